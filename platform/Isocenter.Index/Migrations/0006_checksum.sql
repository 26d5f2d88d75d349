-- Objects are checksummed with XXH3 128-bit rather than SHA-256 (a small fraction of its CPU per byte; docs/archive.md,
-- "Throughput"). The value names its algorithm, so rows stored before keep theirs: 'sha256:' + hex, 'xxh128:' + hex.
ALTER TABLE instance RENAME COLUMN sha256 TO checksum;
UPDATE instance SET checksum = 'sha256:' || checksum;
