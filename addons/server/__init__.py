"""Parts of the Rasa server: channels, limits, fault answers, stores and the serve command."""
