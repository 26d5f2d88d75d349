-- The review service's tables (services/review, docs/review.md): reading sets of de-identified studies, their studies with
-- the storage service's progress, share links, reviewers (OIDC subjects) and findings. The sets' keys and pseudonym
-- mappings are deid_key and deid_mapping (0003_deidentification.sql).

CREATE TABLE reading_set (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    owner text NOT NULL,                -- the subject that created it
    blinded boolean NOT NULL,           -- reviewers see no dates or descriptions
    ordering text NOT NULL CHECK (ordering IN ('fixed', 'random')),
    profile jsonb NOT NULL,             -- the de-identification options (DeidentificationProfile)
    form jsonb NOT NULL,                -- the findings' fields
    created_at timestamptz NOT NULL
);
CREATE INDEX reading_set_owner ON reading_set (owner, created_at DESC);

-- A study of a set: the original, its de-identified copy (known from the storage service's first event) and the copy's progress.
CREATE TABLE reading_set_study (
    reading_set_id uuid NOT NULL REFERENCES reading_set (id) ON DELETE CASCADE,
    position integer NOT NULL CHECK (position >= 1),
    original_study_instance_uid text NOT NULL,
    study_instance_uid text,            -- de-identified
    state text NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'failed')),
    total integer NOT NULL,
    done integer NOT NULL,
    held_back jsonb NOT NULL,           -- [{seriesInstanceUid, instances, reason}]
    error text,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (reading_set_id, position),
    UNIQUE (reading_set_id, original_study_instance_uid)
);
CREATE INDEX reading_set_study_copy ON reading_set_study (study_instance_uid);

-- A share link: its token is derived from id and expires_at (signed with Review:ShareLinkKey), so it is not stored.
CREATE TABLE share_link (
    id uuid PRIMARY KEY,
    reading_set_id uuid NOT NULL REFERENCES reading_set (id) ON DELETE CASCADE,
    label text NOT NULL,
    study_instance_uid text,            -- one de-identified study of the set, or null for the whole set
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL
);
CREATE INDEX share_link_set ON share_link (reading_set_id, created_at);

CREATE TABLE reading_set_reviewer (
    reading_set_id uuid NOT NULL REFERENCES reading_set (id) ON DELETE CASCADE,
    subject text NOT NULL,
    added_at timestamptz NOT NULL,
    PRIMARY KEY (reading_set_id, subject)
);

-- A reviewer's finding on a de-identified study: reviewer is the session's subject (share:{linkId}, or an OIDC subject).
CREATE TABLE finding (
    reading_set_id uuid NOT NULL REFERENCES reading_set (id) ON DELETE CASCADE,
    reviewer text NOT NULL,
    study_instance_uid text NOT NULL,
    field_values jsonb NOT NULL,
    comment text NOT NULL,
    complete boolean NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (reading_set_id, reviewer, study_instance_uid)
);
