"""Tests on real servers (PostgreSQL, Redis, several `hub serve` processes): `make test-scale`."""
