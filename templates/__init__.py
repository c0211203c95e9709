"""Templates of every human-readable output, shipped in the wheel as `sarifkit.templates`."""
