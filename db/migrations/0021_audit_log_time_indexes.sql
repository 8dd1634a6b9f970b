CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "audit_log_district_at_idx" ON "audit_log" USING btree ("district_id","at","id");--> statement-breakpoint
CREATE INDEX "audit_log_council_at_idx" ON "audit_log" USING btree ("council_id","at","id");