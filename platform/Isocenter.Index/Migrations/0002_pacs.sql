-- The PACS service's tables (services/pacs, docs/pacs.md): the registry of remote DICOM nodes, the auto-forward rules and
-- the background jobs (retrievals from a node, sends to one) with their progress.

CREATE TABLE dicom_node (
    name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9._-]{1,64}$'),
    ae_title text NOT NULL,
    host text NOT NULL,
    port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    query boolean NOT NULL,             -- we query and retrieve from it
    retrieve_method text NOT NULL CHECK (retrieve_method IN ('C-MOVE', 'C-GET')),
    store_to boolean NOT NULL,          -- we send (and forward) to it
    store_from boolean NOT NULL,        -- it stores to us
    tls boolean NOT NULL,
    description text NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Each received instance matching an enabled rule (every non-null criterion equal) is forwarded to the rule's node; a node
-- cannot be deleted while a rule names it.
CREATE TABLE forward_rule (
    name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9._-]{1,64}$'),
    node text NOT NULL REFERENCES dicom_node (name) ON UPDATE CASCADE ON DELETE RESTRICT,
    calling_ae_title text,
    modality text,
    sop_class_uid text,
    enabled boolean NOT NULL,
    updated_at timestamptz NOT NULL
);

-- A retrieval (from node) or a send (to node) of a study, or of some of its series (series_instance_uids, empty = all).
-- progress holds the kind's JSON (a retrieval's per-series counts, a send's totals; failed SOP Instance UIDs). The node is
-- a name, not a reference: a job stays as history when its node is deleted.
CREATE TABLE pacs_job (
    id uuid PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('retrieval', 'send')),
    node text NOT NULL,
    study_instance_uid text NOT NULL,
    series_instance_uids text[] NOT NULL,
    method text,                        -- a retrieval's C-MOVE or C-GET; null for a send
    state text NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'partial', 'failed')),
    progress jsonb NOT NULL,
    error text,
    attempts integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX pacs_job_study ON pacs_job (kind, study_instance_uid, created_at DESC);
CREATE INDEX pacs_job_unfinished ON pacs_job (kind, study_instance_uid) WHERE state IN ('queued', 'running');
