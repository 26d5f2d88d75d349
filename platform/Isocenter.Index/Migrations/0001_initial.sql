-- The archive's index: patient, study, series and instance rows with a column for every attribute C-FIND (PS3.4 C.6.1.1,
-- C.6.2.1) and QIDO-RS (PS3.18 table 10.6.1-5) match on, and DICOM JSON headers for return keys and WADO metadata.
-- Strings absent from a header are stored as '' (so wildcards match them); dates and times as date/time (NULL when absent
-- or invalid). *_norm columns hold person names lower-cased for case-insensitive and fuzzy matching.

CREATE TABLE patient (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id text NOT NULL,
    issuer_of_patient_id text NOT NULL,
    patient_name text NOT NULL,
    patient_name_norm text NOT NULL,
    patient_birth_date date,
    patient_sex text NOT NULL,
    header jsonb NOT NULL, -- the header of the latest instance indexed for the patient
    UNIQUE (patient_id, issuer_of_patient_id)
);
CREATE INDEX patient_patient_name_norm ON patient (patient_name_norm text_pattern_ops);
-- Person names match on the whole value or any one component group: each has an index for equality and prefixes.
CREATE INDEX patient_patient_name_alphabetic ON patient (split_part(patient_name_norm, '=', 1) text_pattern_ops);
CREATE INDEX patient_patient_name_ideographic ON patient (split_part(patient_name_norm, '=', 2) text_pattern_ops);
CREATE INDEX patient_patient_name_phonetic ON patient (split_part(patient_name_norm, '=', 3) text_pattern_ops);
CREATE INDEX patient_patient_id_pattern ON patient (patient_id text_pattern_ops);
CREATE INDEX patient_patient_birth_date ON patient (patient_birth_date);

CREATE TABLE study (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    study_instance_uid text NOT NULL UNIQUE,
    patient_pk bigint NOT NULL REFERENCES patient (id),
    study_date date,
    study_time time,
    accession_number text NOT NULL,
    study_id text NOT NULL,
    referring_physician_name text NOT NULL,
    referring_physician_name_norm text NOT NULL,
    study_description text NOT NULL,
    modalities_in_study text[] NOT NULL DEFAULT '{}', -- derived from the series
    series_count integer NOT NULL DEFAULT 0,
    instance_count integer NOT NULL DEFAULT 0,
    header jsonb NOT NULL -- the header of the latest instance indexed for the study
);
CREATE INDEX study_patient_pk ON study (patient_pk);
CREATE INDEX study_study_date ON study (study_date);
CREATE INDEX study_accession_number ON study (accession_number text_pattern_ops);
CREATE INDEX study_modalities_in_study ON study USING gin (modalities_in_study);

CREATE TABLE series (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    series_instance_uid text NOT NULL UNIQUE,
    study_pk bigint NOT NULL REFERENCES study (id),
    modality text NOT NULL,
    series_number integer,
    series_description text NOT NULL,
    body_part_examined text NOT NULL,
    performed_procedure_step_start_date date,
    performed_procedure_step_start_time time,
    instance_count integer NOT NULL DEFAULT 0,
    last_changed_at timestamptz NOT NULL,
    stable_reported_at timestamptz, -- NULL until the latest change has been reported stable
    header jsonb NOT NULL -- the header of the latest instance indexed for the series
);
CREATE INDEX series_study_pk ON series (study_pk);
CREATE INDEX series_modality ON series (modality);
CREATE INDEX series_unreported ON series (last_changed_at) WHERE stable_reported_at IS NULL;

CREATE TABLE instance (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sop_instance_uid text NOT NULL UNIQUE,
    series_pk bigint NOT NULL REFERENCES series (id),
    sop_class_uid text NOT NULL,
    instance_number integer,
    transfer_syntax_uid text NOT NULL,
    object_key text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    source_ae_title text,
    received_at timestamptz NOT NULL,
    header jsonb NOT NULL
);
CREATE INDEX instance_series_pk ON instance (series_pk, instance_number);
CREATE INDEX instance_sop_class_uid ON instance (sop_class_uid);
