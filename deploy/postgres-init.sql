-- Run once by the postgres image on an empty volume: the salon's own database
-- next to the tracker store's (POSTGRES_DB=rasa).
CREATE DATABASE salon;
