CREATE TABLE "progress_updates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"proposal_id" uuid NOT NULL,
	"status" text NOT NULL,
	"note" text NOT NULL,
	"posted_by" uuid,
	"posted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "progress_updates_status_valid" CHECK ("progress_updates"."status" in ('in_progress','done'))
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"proposal_id" uuid NOT NULL,
	"commission_id" uuid NOT NULL,
	"referred_by" uuid,
	"referred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"decision" text,
	"rationale" text,
	"unit_name" text,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	CONSTRAINT "referrals_decision_valid" CHECK ("referrals"."decision" is null or "referrals"."decision" in ('accepted','declined','returned','referred_unit')),
	CONSTRAINT "referrals_decision_complete" CHECK (("referrals"."decision" is null and "referrals"."decided_at" is null) or ("referrals"."decision" is not null and "referrals"."decided_at" is not null and char_length(coalesce("referrals"."rationale", '')) >= 10)),
	CONSTRAINT "referrals_unit_named" CHECK ("referrals"."decision" is distinct from 'referred_unit' or char_length(coalesce("referrals"."unit_name", '')) >= 2)
);
--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "default_commission_id" uuid;--> statement-breakpoint
ALTER TABLE "progress_updates" ADD CONSTRAINT "progress_updates_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_updates" ADD CONSTRAINT "progress_updates_posted_by_users_id_fk" FOREIGN KEY ("posted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_commission_id_commissions_id_fk" FOREIGN KEY ("commission_id") REFERENCES "public"."commissions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referred_by_users_id_fk" FOREIGN KEY ("referred_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "progress_updates_proposal_idx" ON "progress_updates" USING btree ("proposal_id","id");--> statement-breakpoint
CREATE INDEX "referrals_commission_idx" ON "referrals" USING btree ("commission_id","decided_at","due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_one_pending_per_proposal" ON "referrals" USING btree ("proposal_id") WHERE "referrals"."decided_at" is null;--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_default_commission_id_commissions_id_fk" FOREIGN KEY ("default_commission_id") REFERENCES "public"."commissions"("id") ON DELETE set null ON UPDATE no action;