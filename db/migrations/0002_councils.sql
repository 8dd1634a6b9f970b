CREATE TABLE "applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"council_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"term_number" integer NOT NULL,
	"statement" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" uuid,
	"reason" text,
	CONSTRAINT "applications_status_valid" CHECK ("applications"."status" in ('pending','approved','rejected','withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "council_terms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"council_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"term_start" date NOT NULL,
	"term_end" date NOT NULL,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "councils" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"neighborhood_id" uuid NOT NULL,
	"district_id" uuid NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"term_number" integer DEFAULT 1 NOT NULL,
	"term_start" date NOT NULL,
	"term_end" date NOT NULL,
	"quorum_percent" integer NOT NULL,
	"voting_period_hours" integer NOT NULL,
	"majority_rule" text NOT NULL,
	"proposers" text NOT NULL,
	"support_threshold" integer NOT NULL,
	"ballot" text NOT NULL,
	"reports_to_hide" integer NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "councils_status_valid" CHECK ("councils"."status" in ('active','suspended','dissolved')),
	CONSTRAINT "councils_term_order" CHECK ("councils"."term_end" > "councils"."term_start"),
	CONSTRAINT "councils_term_number_positive" CHECK ("councils"."term_number" >= 1),
	CONSTRAINT "councils_quorum_range" CHECK ("councils"."quorum_percent" between 1 and 100),
	CONSTRAINT "councils_voting_period_range" CHECK ("councils"."voting_period_hours" between 1 and 1440),
	CONSTRAINT "councils_majority_valid" CHECK ("councils"."majority_rule" in ('simple','absolute','two_thirds')),
	CONSTRAINT "councils_proposers_valid" CHECK ("councils"."proposers" in ('members','residents')),
	CONSTRAINT "councils_support_threshold_range" CHECK ("councils"."support_threshold" between 1 and 100000),
	CONSTRAINT "councils_ballot_valid" CHECK ("councils"."ballot" in ('open','secret')),
	CONSTRAINT "councils_reports_range" CHECK ("councils"."reports_to_hide" between 1 and 1000)
);
--> statement-breakpoint
CREATE TABLE "follows" (
	"user_id" uuid NOT NULL,
	"neighborhood_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follows_user_id_neighborhood_id_pk" PRIMARY KEY("user_id","neighborhood_id")
);
--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"council_id" uuid NOT NULL,
	"phone" text NOT NULL,
	"term_number" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"invited_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"responded_at" timestamp with time zone,
	"user_id" uuid,
	CONSTRAINT "invitations_status_valid" CHECK ("invitations"."status" in ('pending','accepted','declined','revoked')),
	CONSTRAINT "invitations_phone_format" CHECK ("invitations"."phone" ~ '^\+989[0-9]{9}$')
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"council_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"term_number" integer NOT NULL,
	"role" text DEFAULT 'member' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"decided_by" uuid,
	CONSTRAINT "memberships_role_valid" CHECK ("memberships"."role" in ('member','chair','secretary')),
	CONSTRAINT "memberships_status_valid" CHECK ("memberships"."status" in ('active','ended','removed','left')),
	CONSTRAINT "memberships_end_consistent" CHECK (("memberships"."status" = 'active') = ("memberships"."ended_at" is null))
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "council_id" uuid;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "is_public" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "neighborhoods" ADD COLUMN "boundary" jsonb;--> statement-breakpoint
ALTER TABLE "neighborhoods" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "role_assignments" ADD COLUMN "powers" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "council_terms" ADD CONSTRAINT "council_terms_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "councils" ADD CONSTRAINT "councils_neighborhood_id_neighborhoods_id_fk" FOREIGN KEY ("neighborhood_id") REFERENCES "public"."neighborhoods"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "councils" ADD CONSTRAINT "councils_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "councils" ADD CONSTRAINT "councils_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_neighborhood_id_neighborhoods_id_fk" FOREIGN KEY ("neighborhood_id") REFERENCES "public"."neighborhoods"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "applications_council_idx" ON "applications" USING btree ("council_id","status");--> statement-breakpoint
CREATE INDEX "applications_user_idx" ON "applications" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "applications_one_pending" ON "applications" USING btree ("council_id","user_id") WHERE "applications"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "council_terms_council_number_key" ON "council_terms" USING btree ("council_id","number");--> statement-breakpoint
CREATE INDEX "councils_district_idx" ON "councils" USING btree ("district_id");--> statement-breakpoint
CREATE UNIQUE INDEX "councils_one_per_neighborhood" ON "councils" USING btree ("neighborhood_id") WHERE "councils"."status" <> 'dissolved';--> statement-breakpoint
CREATE INDEX "invitations_phone_idx" ON "invitations" USING btree ("phone","status");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_one_pending" ON "invitations" USING btree ("council_id","phone") WHERE "invitations"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "memberships_user_idx" ON "memberships" USING btree ("user_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "memberships_one_active_per_person" ON "memberships" USING btree ("council_id","user_id") WHERE "memberships"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "memberships_one_chair" ON "memberships" USING btree ("council_id") WHERE "memberships"."status" = 'active' and "memberships"."role" = 'chair';--> statement-breakpoint
CREATE UNIQUE INDEX "memberships_one_secretary" ON "memberships" USING btree ("council_id") WHERE "memberships"."status" = 'active' and "memberships"."role" = 'secretary';--> statement-breakpoint
CREATE INDEX "audit_log_council_idx" ON "audit_log" USING btree ("council_id","id");