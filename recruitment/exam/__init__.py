"""The computer-based exam engine: question banks, blueprints, sessions, per-candidate papers, the
exam runtime (server-owned time, acknowledged answers), the proctor console and item analysis."""
