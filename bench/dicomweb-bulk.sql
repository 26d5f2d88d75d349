-- Bulk rows for bench/dicomweb.sh: :studies studies (two per patient) × :series series × :instances instances, in the
-- index's own tables (platform/Isocenter.Index/Migrations), with DICOM JSON headers shaped as the storage service writes
-- them. UIDs are 2.25.<n>-style and unique per run (:'seed'). Names cycle through 200 family names, so wildcard searches
-- match about 0.5% of the patients; dates spread over 2015-2024; modalities alternate CT / MR.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE names (i int PRIMARY KEY, family text);
INSERT INTO names SELECT i, 'FAMILY' || lpad(i::text, 3, '0') FROM generate_series(0, 199) i;

INSERT INTO patient (patient_id, issuer_of_patient_id, patient_name, patient_name_norm, patient_birth_date, patient_sex, header)
SELECT 'BULK' || :'seed' || '-' || p, '', n.family || '^P' || p, lower(n.family || '^P' || p), date '1940-01-01' + (p % 20000), 'O',
       jsonb_build_object('00100010', jsonb_build_object('vr', 'PN', 'Value', jsonb_build_array(jsonb_build_object('Alphabetic', n.family || '^P' || p))),
                          '00100020', jsonb_build_object('vr', 'LO', 'Value', jsonb_build_array('BULK' || :'seed' || '-' || p)))
FROM generate_series(0, :studies / 2 - 1) p JOIN names n ON n.i = p % 200;

INSERT INTO study (study_instance_uid, patient_pk, study_date, study_time, accession_number, study_id, referring_physician_name,
                   referring_physician_name_norm, study_description, modalities_in_study, series_count, instance_count, header)
SELECT '2.25.' || :'seed' || '1' || s, pt.id, date '2015-01-01' + (s * 7 % 3650), time '08:00' + (s % 600) * interval '1 minute',
       'ACC' || :'seed' || s, 'S' || s, '', '', 'BULK STUDY ' || s, ARRAY[CASE WHEN s % 2 = 0 THEN 'CT' ELSE 'MR' END], :series, :series * :instances,
       jsonb_build_object('0020000D', jsonb_build_object('vr', 'UI', 'Value', jsonb_build_array('2.25.' || :'seed' || '1' || s)),
                          '00080020', jsonb_build_object('vr', 'DA', 'Value', jsonb_build_array(to_char(date '2015-01-01' + (s * 7 % 3650), 'YYYYMMDD'))),
                          '00080050', jsonb_build_object('vr', 'SH', 'Value', jsonb_build_array('ACC' || :'seed' || s)),
                          '00081030', jsonb_build_object('vr', 'LO', 'Value', jsonb_build_array('BULK STUDY ' || s)))
FROM generate_series(0, :studies - 1) s
JOIN patient pt ON pt.patient_id = 'BULK' || :'seed' || '-' || (s / 2) AND pt.issuer_of_patient_id = '';

INSERT INTO series (series_instance_uid, study_pk, modality, series_number, series_description, body_part_examined, instance_count, last_changed_at,
                    stable_reported_at, header)
SELECT st.study_instance_uid || '.' || k, st.id, st.modalities_in_study[1], k, 'BULK SERIES ' || k, '', :instances, now(), now(),
       jsonb_build_object('0020000E', jsonb_build_object('vr', 'UI', 'Value', jsonb_build_array(st.study_instance_uid || '.' || k)),
                          '00080060', jsonb_build_object('vr', 'CS', 'Value', jsonb_build_array(st.modalities_in_study[1])),
                          '00200011', jsonb_build_object('vr', 'IS', 'Value', jsonb_build_array(k)))
FROM study st CROSS JOIN generate_series(1, :series) k
WHERE st.study_instance_uid LIKE '2.25.' || :'seed' || '1%';

INSERT INTO instance (sop_instance_uid, series_pk, sop_class_uid, instance_number, transfer_syntax_uid, object_key, size, checksum, source_ae_title,
                      received_at, header)
SELECT se.series_instance_uid || '.' || k, se.id, '1.2.840.10008.5.1.4.1.1.2', k, '1.2.840.10008.1.2.1',
       'bulk/' || se.series_instance_uid || '/' || k, 0, '', 'BULK', now(),
       jsonb_build_object('00080016', jsonb_build_object('vr', 'UI', 'Value', jsonb_build_array('1.2.840.10008.5.1.4.1.1.2')),
                          '00080018', jsonb_build_object('vr', 'UI', 'Value', jsonb_build_array(se.series_instance_uid || '.' || k)),
                          '00200013', jsonb_build_object('vr', 'IS', 'Value', jsonb_build_array(k)))
FROM series se CROSS JOIN generate_series(1, :instances) k
WHERE se.series_instance_uid LIKE '2.25.' || :'seed' || '1%';
COMMIT;
ANALYZE patient; ANALYZE study; ANALYZE series; ANALYZE instance;
