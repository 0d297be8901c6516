-- Quarantined rows of the cases extract, never loaded since, that could change a six-zero check or a five-never
-- event (domain/quarantine_checks.csv names the conditions, by check or event name): every condition is met by
-- the row's kept value or its column is at fault, and at least one is shown by the row, not only assumed (a row
-- that kept no values, quarantined before values were kept, is listed when a column of a condition is at fault).
-- year: the year its filed_date reads (leniently: "2024年13月" is 2024); null when no year can be read, and then
-- the row is named on every year. row_ref: file, row, case id, the columns at fault, what the row says.
-- Read by mart_five_never and mart_six_zero_checks, so a row is judged the same way on both.
create or replace table int_quarantined_cases as
with quarantined as (   -- quarantined case rows never loaded since, with the extract columns at fault
    select
        file_name,
        row_number,
        record_ref,
        raw_values,
        string_split(columns, ',') as faulty,
        try_cast(regexp_extract(json_extract_string(raw_values, '$.filed_date'), '(19|20)[0-9]{2}') as integer)
            as year
    from quarantine
    where source = 'cases'
      and (record_ref is null or record_ref not in (select case_id from fact_cases where case_id is not null))
),

conditions as (   -- per quarantined row and condition: met by what the row says, at fault, or unknown
    select
        rules."check",
        quarantined.*,
        rules."column",
        json_extract_string(quarantined.raw_values, '$.' || rules."column") as said,
        list_contains(string_split(rules."values", '|'), said) as met,
        list_contains(quarantined.faulty, rules."column") as at_fault
    from ref_quarantine_checks as rules
    cross join quarantined
),

at_risk_rows as (
    select
        "check", year,
        {'file_name': file_name, 'row_number': row_number, 'record_ref': record_ref,
         'faulty': list_sort(faulty), 'year_known': year is not null,
         'says': coalesce(list({'column': "column", 'value': said} order by "column") filter (where said is not null),
                          [])}
            as row_ref
    from conditions
    group by "check", year, file_name, row_number, record_ref, faulty, raw_values
    having bool_and(coalesce(met, false) or at_fault or raw_values is null)
       and bool_or(coalesce(met, false) or at_fault)
)

select distinct "check", year, row_ref from at_risk_rows;   -- a row quarantined by two loads of one file once
