"""Shell parsing shared by the Dockerfile, compose, Procfile and script analyzers."""
