"""What people use: command line, HTTP API, web page, recommenders, evaluation."""
