-- One row per substance of domain/substances.csv: can wastewater measure it, can it be read as drug use, which
-- correction factor (and whose) turns its load into a consumption estimate, and how much data there is.
-- This is where 安钠咖 shows as not measurable (caffeine + sodium benzoate: nothing specific reaches the
-- sewer) and caffeine and cotinine as population markers rather than abuse markers (methods note of the app).
create or replace table mart_wastewater_substances as
with substances as (
    select * from ref_substances
),

factors as (
    select * from ref_correction_factors
),

measured as (
    select
        substance,
        count(*) as samples,
        count(*) filter (where below_loq) as samples_below_loq,
        count(distinct site_id) as sites,
        min(sample_date) as first_sample_date,
        max(sample_date) as last_sample_date
    from fact_wastewater   -- the loads view has one row per fact row, and these columns are the fact's own
    group by substance
),

final as (
    select
        substances.code as substance,
        substances.name_zh,
        substances.name_en,
        nullif(substances.wastewater_residue, '') as residue,
        coalesce(substances.wastewater_residue, '') <> '' as measurable_in_wastewater,
        substances.wastewater_readable = 'true' as readable_as_use,
        substances.abuse_marker = 'true' as abuse_marker,
        nullif(substances.note_zh, '') as note_zh,
        nullif(substances.note_en, '') as note_en,
        factors.estimated_drug as consumption_drug,
        factors.cf::double as correction_factor,
        factors.cf_low::double as correction_factor_low,
        factors.cf_high::double as correction_factor_high,
        factors.excretion_percent::double as excretion_percent,
        nullif(factors.caveat_zh, '') as correction_caveat_zh,
        nullif(factors.caveat_en, '') as correction_caveat_en,
        factors.source as correction_source,
        coalesce(measured.samples, 0) as samples,
        coalesce(measured.samples_below_loq, 0) as samples_below_loq,
        coalesce(measured.sites, 0) as sites,
        measured.first_sample_date,
        measured.last_sample_date
    from substances
    left join factors on factors.measured_substance = substances.code
    left join measured on measured.substance = substances.code
)

select * from final
order by substance;
