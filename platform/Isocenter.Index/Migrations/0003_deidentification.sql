-- De-identified copies for reading sets (docs/deidentification.md): each set's secret, from which the storage service
-- derives the copies' UIDs, pseudonyms and date offsets (PS3.15 Annex E), and the pseudonym mapping it made, readable by
-- the set's owner only (the review service checks that).

CREATE TABLE deid_key (
    reading_set_id uuid PRIMARY KEY,
    secret bytea NOT NULL CHECK (length(secret) >= 16),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deid_mapping (
    reading_set_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('patient', 'study', 'series', 'instance')),
    original text NOT NULL,
    pseudonym text NOT NULL,
    PRIMARY KEY (reading_set_id, kind, original)
);
