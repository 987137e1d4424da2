# gunicorn settings for the Co-op Cloud deployment (a swarm config: bump GUNICORN_CONF_VERSION in abra.sh when you edit this).
bind = "0.0.0.0:8000"
workers = 3
accesslog = "-"
forwarded_allow_ips = "*"
