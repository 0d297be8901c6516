-- Stored facts and bookkeeping. Marts (warehouse/marts/*.sql) are recomputed from these at every load.
-- Identity numbers, names and birth dates appear nowhere: persons are `person_key` pseudonyms.

create table if not exists warehouse_meta (
    key varchar primary key,
    value varchar
);

create table if not exists pipeline_runs (
    run_id varchar,              -- one id per file processed
    source varchar,
    file_name varchar,           -- base name only (paths can carry personal folder names)
    file_sha256 varchar,
    started_at timestamp,
    finished_at timestamp,
    status varchar,              -- loaded | rejected | skipped
    rows_read bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    message varchar,             -- bilingual, never personal data
    encoding varchar,
    warehouse_version varchar    -- the version published by this run
);

create table if not exists quarantine (
    run_id varchar,
    source varchar,
    file_name varchar,
    row_number bigint,           -- 1 = first data row
    record_ref varchar,          -- a way back to the record: sample/case id, or a masked identity number
    columns varchar,             -- the columns at fault, comma-separated
    reasons varchar,             -- bilingual reasons, '; '-separated
    raw_values varchar           -- JSON column → text of the row, only for sources whose extract holds nothing
                                 -- personal (domain/sources.yaml keeps_raw); digit runs like an identity number masked
);

create table if not exists validation_results (
    run_id varchar,
    source varchar,
    expectation varchar,         -- GX expectation type
    column_name varchar,
    description varchar,
    success boolean,
    element_count bigint,
    unexpected_count bigint
);

create table if not exists fact_wastewater (
    run_id varchar,
    source_row bigint,           -- the row of the extract file (run_id names the file): lineage
    sample_id varchar,
    site_id varchar,
    site_name varchar,
    township_code varchar,
    sample_date date,
    flow_m3_d double,
    population_served bigint,
    substance varchar,
    concentration_ng_l double,   -- null when below LOQ
    below_loq boolean,
    loq_ng_l double,
    lab varchar
);

create table if not exists fact_hair (
    run_id varchar,
    source_row bigint,           -- the row of the extract file (run_id names the file): lineage
    sample_id varchar,
    collection_date date,
    township_code varchar,
    person_key varchar,
    subject_group varchar,
    segment_cm varchar,
    substance varchar,
    concentration_ng_mg double,  -- null when not detected
    lab_result varchar           -- positive | negative | null, as the lab reported it
);

create table if not exists fact_registry (
    run_id varchar,
    source_row bigint,           -- the row of the extract file (run_id names the file): lineage
    snapshot_date date,
    person_key varchar,
    sex varchar,                 -- from the identity number
    age_years integer,           -- at the snapshot date; the birth date itself is not kept
    township_code varchar,
    household_region varchar,
    first_found_date date,
    last_found_date date,
    primary_drug varchar,
    control_status varchar,
    order_date date,
    reported boolean,
    risk_level varchar,
    last_face_check_date date,
    info_verified boolean,
    is_student boolean,
    employment_support boolean,
    case_worker_id varchar
);

create table if not exists fact_cases (
    run_id varchar,
    source_row bigint,           -- the row of the extract file (run_id names the file): lineage
    case_id varchar,
    filed_date date,
    solved_date date,
    township_code varchar,       -- 9-digit code, or '外地' for outflow records
    category varchar,
    case_type varchar,
    drug varchar,
    seized_g double,
    plants bigint,
    suspects bigint,
    minor_suspects bigint,
    outflow_suspects bigint,
    involves_out_of_control_user boolean,
    severity varchar,
    target_level varchar
);

create table if not exists fact_indicators (
    run_id varchar,
    source_row bigint,           -- the row of the extract file (run_id names the file): lineage
    period varchar,              -- 2024, 2024H1 or 2024Q3
    unit_code varchar,           -- township code or 150823
    indicator varchar,
    value double,
    source varchar
);

-- Warehouses created before facts carried their file row (lineage) gain the column.
alter table fact_wastewater add column if not exists source_row bigint;
alter table fact_hair add column if not exists source_row bigint;
alter table fact_registry add column if not exists source_row bigint;
alter table fact_cases add column if not exists source_row bigint;
alter table fact_indicators add column if not exists source_row bigint;

-- Progress reports of the plan's 24 tasks (contract.md §2.6). Free text holding an identity number is never
-- stored (the row is quarantined).
create table if not exists fact_task_reports (
    run_id varchar,
    source_row bigint,           -- the row of the extract file (run_id names the file): lineage
    unit varchar,                -- normalised Chinese name, as in plan-tasks.csv (or a township's name)
    task varchar,                -- 1.1 … 6.4
    period varchar,              -- 2024-03 (month) or 2024Q1 (quarter)
    kind varchar,                -- monthly | quarterly | adhoc
    reported_date date,
    progress varchar,            -- not_started | in_progress | done | blocked
    done_text varchar,
    problems varchar,
    next_steps varchar,
    evidence varchar,
    due_date date,               -- deadline of a monthly report or quarterly summary (supervision_calendar.yaml)
    late boolean                 -- reported after due_date (kept, marked late)
);
alter table quarantine add column if not exists raw_values varchar;
