-- Intermediate (int_*): hair tests one by one (sample × substance), each judged by the cut-off rule and matched
-- to the registry; mart_hair_positivity, mart_five_never and mart_early_warnings all read this one judgement
-- (and the registry's 1.2 M pseudonyms are scanned once). It keeps the person's pseudonym, so it is an input to
-- marts, not a mart: nothing outside the warehouse (pages, exports) reads int_* relations.
--
-- positive: concentration at or above the substance's cut-off in domain/substances.csv (公安部《涉毒人员毛发
-- 样本检测规范》2018, art. 9: "≥ cut-off" — a value exactly at the cut-off is positive); not detected counts as
-- 0; for a substance without a cut-off the lab's own result decides (judged_by = 'lab_result'). A substance that
-- is no abuse marker (domain/substances.csv: caffeine, cotinine) is never positive: its presence is no drug use
-- (安钠咖 is its own code, and a marker).
-- lab_disagrees: the lab's result and the cut-off rule disagree.
-- in_registry: the person's pseudonym appears in a registry snapshot (any snapshot loaded); null when no
-- snapshot has been loaded at all. Persons appear as pseudonyms only.
create or replace table int_hair_tests as
with hair as (
    select * from fact_hair
),

cutoffs as (
    select code, try_cast(hair_cutoff_ng_mg as double) as cutoff_ng_mg, abuse_marker = 'true' as abuse_marker
    from ref_substances
),

-- the one pass over the register's pseudonyms, restricted to the persons tested
registered as (
    select distinct person_key from fact_registry where person_key in (select person_key from hair)
),

registry_loaded as (
    select exists (select 1 from fact_registry) as loaded
),

final as (
    select
        hair.sample_id,
        hair.collection_date,
        year(hair.collection_date)::integer as year,
        year(hair.collection_date) || 'Q' || quarter(hair.collection_date) as quarter,
        hair.township_code,
        hair.subject_group,
        hair.segment_cm,
        hair.substance,
        hair.concentration_ng_mg,
        cutoffs.cutoff_ng_mg,
        case when cutoffs.cutoff_ng_mg is not null then 'cutoff' else 'lab_result' end as judged_by,
        case
            when not coalesce(cutoffs.abuse_marker, true) then false
            when cutoffs.cutoff_ng_mg is not null then coalesce(hair.concentration_ng_mg, 0) >= cutoffs.cutoff_ng_mg
            else hair.lab_result = 'positive'
        end as positive,
        hair.lab_result,
        cutoffs.cutoff_ng_mg is not null
            and hair.lab_result is not null
            and (hair.lab_result = 'positive') <> (coalesce(hair.concentration_ng_mg, 0) >= cutoffs.cutoff_ng_mg)
            as lab_disagrees,
        case
            when not (select loaded from registry_loaded) then null
            else registered.person_key is not null
        end as in_registry,
        hair.person_key
    from hair
    left join cutoffs on cutoffs.code = hair.substance
    left join registered on registered.person_key = hair.person_key
)

select * from final
order by collection_date, sample_id, substance;
