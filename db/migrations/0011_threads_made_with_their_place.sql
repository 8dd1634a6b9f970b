-- Every council and proposal (and every commission a proposal was referred to) gets its
-- discussion thread when it is made, so that reading a page never has to write one. This fills
-- in the threads of what was made before.
INSERT INTO "threads" ("kind", "council_id", "district_id", "neighborhood_id")
SELECT 'council', c."id", c."district_id", c."neighborhood_id"
FROM "councils" c
WHERE NOT EXISTS (SELECT 1 FROM "threads" t WHERE t."kind" = 'council' AND t."council_id" = c."id")
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "threads" ("kind", "council_id", "district_id", "neighborhood_id", "proposal_id")
SELECT 'proposal', p."council_id", p."district_id", p."neighborhood_id", p."id"
FROM "proposals" p
WHERE NOT EXISTS (SELECT 1 FROM "threads" t WHERE t."kind" = 'proposal' AND t."proposal_id" = p."id")
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "threads" ("kind", "council_id", "district_id", "neighborhood_id", "proposal_id", "commission_id")
SELECT DISTINCT 'commission', p."council_id", p."district_id", p."neighborhood_id", p."id", r."commission_id"
FROM "referrals" r
JOIN "proposals" p ON p."id" = r."proposal_id"
WHERE NOT EXISTS (
  SELECT 1 FROM "threads" t WHERE t."kind" = 'commission' AND t."proposal_id" = p."id" AND t."commission_id" = r."commission_id"
)
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Many new rows at once: give the planner fresh numbers now rather than after the next autovacuum
-- (PGlite has none), or list pages that join threads plan as if the table were tiny.
ANALYZE "threads";
