-- The gateway's audit trail, queryable by administrators (GET /api/audit, docs/gateway.md "Audit"): one row per audited
-- request, written in batches by the gateway's background writer. Rows are only ever inserted.
CREATE TABLE audit_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    subject text NOT NULL,             -- the token's sub, the API key's name, share:{linkId}, or 'anonymous'
    scheme text NOT NULL,              -- Bearer, ApiKey, ShareLink, Launch or none
    action text NOT NULL,              -- view, search, render, finding-change, export, mapping-read, share-link, reading-set, launch, login, admin, other
    study_instance_uid text,           -- the study the request concerns, when it names one
    method text NOT NULL,
    path text NOT NULL,                -- without the query (it may hold patient names)
    status integer NOT NULL,
    client text NOT NULL
);

CREATE INDEX audit_event_at ON audit_event (at DESC, id DESC);
CREATE INDEX audit_event_subject_at ON audit_event (subject, at DESC);
CREATE INDEX audit_event_study_at ON audit_event (study_instance_uid, at DESC) WHERE study_instance_uid IS NOT NULL;
