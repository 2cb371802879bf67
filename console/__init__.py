"""The salon's staff console (a web application at /staff/): see console/app.py."""
