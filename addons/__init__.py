"""Extensions that run inside the Rasa server, by role: nlu/, policies/ and server/."""
