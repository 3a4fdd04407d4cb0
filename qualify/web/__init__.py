"""The Django web application: pages, admin and JSON API over the services."""
