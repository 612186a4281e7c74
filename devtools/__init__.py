"""The harness that tests and benchmarks share: free ports, a running assistant, the production
stack, the webhook fuzz cases. A development tool only: never part of the Docker image."""
