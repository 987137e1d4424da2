# Versions of the swarm configs: bump one whenever its file changes, so swarm makes a new config.
export GUNICORN_CONF_VERSION=v1
