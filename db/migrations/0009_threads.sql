CREATE TABLE "escalation_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"escalation_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"kind" text NOT NULL,
	"state" text,
	"urgency" text,
	"note" text,
	"data" jsonb
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"thread_id" uuid NOT NULL,
	"district_id" uuid NOT NULL,
	"neighborhood_id" uuid NOT NULL,
	"category_id" uuid,
	"urgency" text DEFAULT 'normal' NOT NULL,
	"state" text DEFAULT 'new' NOT NULL,
	"note" text,
	"escalated_by" uuid,
	"escalated_at" timestamp with time zone,
	"signals" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"surfaced_at" timestamp with time zone,
	"state_note" text,
	"state_by" uuid,
	"state_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "escalations_urgency_valid" CHECK ("escalations"."urgency" in ('normal','high','urgent')),
	CONSTRAINT "escalations_state_valid" CHECK ("escalations"."state" in ('new','seen','following','resolved')),
	CONSTRAINT "escalations_has_source" CHECK ("escalations"."escalated_at" is not null or "escalations"."surfaced_at" is not null)
);
--> statement-breakpoint
CREATE TABLE "message_edits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message_id" uuid NOT NULL,
	"previous_body" text NOT NULL,
	"edited_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_reports" (
	"message_id" uuid NOT NULL,
	"reporter_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"resolution" text,
	CONSTRAINT "message_reports_message_id_reporter_id_pk" PRIMARY KEY("message_id","reporter_id"),
	CONSTRAINT "message_reports_reason_length" CHECK (char_length("message_reports"."reason") between 3 and 500),
	CONSTRAINT "message_reports_resolution_valid" CHECK ("message_reports"."resolution" is null or "message_reports"."resolution" in ('hidden','restored','dismissed'))
);
--> statement-breakpoint
CREATE TABLE "surfacing_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"burst_window_minutes" integer DEFAULT 60 NOT NULL,
	"burst_min_messages" integer DEFAULT 12 NOT NULL,
	"burst_factor" integer DEFAULT 4 NOT NULL,
	"participants_window_hours" integer DEFAULT 24 NOT NULL,
	"participants_min" integer DEFAULT 15 NOT NULL,
	"reports_window_hours" integer DEFAULT 24 NOT NULL,
	"reports_min" integer DEFAULT 5 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "surfacing_settings_single" CHECK ("surfacing_settings"."id" = 1),
	CONSTRAINT "surfacing_settings_ranges" CHECK ("surfacing_settings"."burst_window_minutes" between 5 and 1440 and "surfacing_settings"."burst_min_messages" between 2 and 10000 and "surfacing_settings"."burst_factor" between 2 and 100
       and "surfacing_settings"."participants_window_hours" between 1 and 720 and "surfacing_settings"."participants_min" between 2 and 100000
       and "surfacing_settings"."reports_window_hours" between 1 and 720 and "surfacing_settings"."reports_min" between 1 and 100000)
);
--> statement-breakpoint
CREATE TABLE "thread_events" (
	"thread_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"message_id" uuid,
	"actor_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "thread_events_thread_id_seq_pk" PRIMARY KEY("thread_id","seq"),
	CONSTRAINT "thread_events_seq_positive" CHECK ("thread_events"."seq" >= 1)
);
--> statement-breakpoint
CREATE TABLE "thread_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"thread_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"author_id" uuid,
	"body" text NOT NULL,
	"reply_to_id" uuid,
	"official" boolean DEFAULT false NOT NULL,
	"client_key" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"edited_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"hidden_at" timestamp with time zone,
	"hidden_by" uuid,
	"hidden_kind" text,
	"hidden_reason" text,
	"report_count" integer DEFAULT 0 NOT NULL,
	"version" integer NOT NULL,
	CONSTRAINT "thread_messages_body_length" CHECK (char_length("thread_messages"."body") between 1 and 2000),
	CONSTRAINT "thread_messages_hidden_kind_valid" CHECK ("thread_messages"."hidden_kind" is null or "thread_messages"."hidden_kind" in ('reports','moderator')),
	CONSTRAINT "thread_messages_hidden_complete" CHECK (("thread_messages"."hidden_at" is null) = ("thread_messages"."hidden_kind" is null)),
	CONSTRAINT "thread_messages_reports_nonneg" CHECK ("thread_messages"."report_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "thread_mutes" (
	"thread_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"muted_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "thread_mutes_thread_id_user_id_pk" PRIMARY KEY("thread_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "thread_reads" (
	"thread_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"last_seq" integer NOT NULL,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "thread_reads_thread_id_user_id_pk" PRIMARY KEY("thread_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "threads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"council_id" uuid NOT NULL,
	"district_id" uuid NOT NULL,
	"neighborhood_id" uuid NOT NULL,
	"proposal_id" uuid,
	"commission_id" uuid,
	"last_seq" integer DEFAULT 0 NOT NULL,
	"message_count" integer DEFAULT 0 NOT NULL,
	"last_message_at" timestamp with time zone,
	"locked_at" timestamp with time zone,
	"locked_by" uuid,
	"lock_reason" text,
	"pinned_message_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "threads_kind_valid" CHECK ("threads"."kind" in ('council','proposal','commission')),
	CONSTRAINT "threads_kind_columns" CHECK (("threads"."kind" = 'council' and "threads"."proposal_id" is null and "threads"."commission_id" is null)
       or ("threads"."kind" = 'proposal' and "threads"."proposal_id" is not null and "threads"."commission_id" is null)
       or ("threads"."kind" = 'commission' and "threads"."proposal_id" is not null and "threads"."commission_id" is not null)),
	CONSTRAINT "threads_seq_nonneg" CHECK ("threads"."last_seq" >= 0 and "threads"."message_count" >= 0)
);
--> statement-breakpoint
ALTER TABLE "councils" ADD COLUMN "thread_posters" text DEFAULT 'residents' NOT NULL;--> statement-breakpoint
ALTER TABLE "councils" ADD COLUMN "chairs_moderate" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "escalation_events" ADD CONSTRAINT "escalation_events_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_events" ADD CONSTRAINT "escalation_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_neighborhood_id_neighborhoods_id_fk" FOREIGN KEY ("neighborhood_id") REFERENCES "public"."neighborhoods"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_escalated_by_users_id_fk" FOREIGN KEY ("escalated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_state_by_users_id_fk" FOREIGN KEY ("state_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_edits" ADD CONSTRAINT "message_edits_message_id_thread_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."thread_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_reports" ADD CONSTRAINT "message_reports_message_id_thread_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."thread_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_reports" ADD CONSTRAINT "message_reports_reporter_id_users_id_fk" FOREIGN KEY ("reporter_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_reports" ADD CONSTRAINT "message_reports_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surfacing_settings" ADD CONSTRAINT "surfacing_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_events" ADD CONSTRAINT "thread_events_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_events" ADD CONSTRAINT "thread_events_message_id_thread_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."thread_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_events" ADD CONSTRAINT "thread_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_messages" ADD CONSTRAINT "thread_messages_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_messages" ADD CONSTRAINT "thread_messages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_messages" ADD CONSTRAINT "thread_messages_hidden_by_users_id_fk" FOREIGN KEY ("hidden_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_mutes" ADD CONSTRAINT "thread_mutes_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_mutes" ADD CONSTRAINT "thread_mutes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_mutes" ADD CONSTRAINT "thread_mutes_muted_by_users_id_fk" FOREIGN KEY ("muted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_reads" ADD CONSTRAINT "thread_reads_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thread_reads" ADD CONSTRAINT "thread_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "threads" ADD CONSTRAINT "threads_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "threads" ADD CONSTRAINT "threads_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "threads" ADD CONSTRAINT "threads_neighborhood_id_neighborhoods_id_fk" FOREIGN KEY ("neighborhood_id") REFERENCES "public"."neighborhoods"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "threads" ADD CONSTRAINT "threads_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "threads" ADD CONSTRAINT "threads_commission_id_commissions_id_fk" FOREIGN KEY ("commission_id") REFERENCES "public"."commissions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "threads" ADD CONSTRAINT "threads_locked_by_users_id_fk" FOREIGN KEY ("locked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "escalation_events_item_idx" ON "escalation_events" USING btree ("escalation_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "escalations_one_per_thread" ON "escalations" USING btree ("thread_id");--> statement-breakpoint
CREATE INDEX "escalations_desk_idx" ON "escalations" USING btree ("state","updated_at");--> statement-breakpoint
CREATE INDEX "message_edits_message_idx" ON "message_edits" USING btree ("message_id","id");--> statement-breakpoint
CREATE INDEX "message_reports_open_idx" ON "message_reports" USING btree ("created_at") WHERE "message_reports"."resolved_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "thread_messages_seq" ON "thread_messages" USING btree ("thread_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "thread_messages_client_key" ON "thread_messages" USING btree ("thread_id","author_id","client_key");--> statement-breakpoint
CREATE INDEX "thread_messages_thread_time_idx" ON "thread_messages" USING btree ("thread_id","created_at");--> statement-breakpoint
CREATE INDEX "thread_messages_reported_idx" ON "thread_messages" USING btree ("thread_id") WHERE "thread_messages"."report_count" > 0 or "thread_messages"."hidden_kind" = 'reports';--> statement-breakpoint
CREATE UNIQUE INDEX "threads_one_per_council" ON "threads" USING btree ("council_id") WHERE "threads"."kind" = 'council';--> statement-breakpoint
CREATE UNIQUE INDEX "threads_one_per_proposal" ON "threads" USING btree ("proposal_id") WHERE "threads"."kind" = 'proposal';--> statement-breakpoint
CREATE UNIQUE INDEX "threads_one_per_review" ON "threads" USING btree ("proposal_id","commission_id") WHERE "threads"."kind" = 'commission';--> statement-breakpoint
CREATE INDEX "threads_district_idx" ON "threads" USING btree ("district_id");--> statement-breakpoint
ALTER TABLE "councils" ADD CONSTRAINT "councils_thread_posters_valid" CHECK ("councils"."thread_posters" in ('members','residents'));--> statement-breakpoint
ALTER TABLE "thread_messages" ADD CONSTRAINT "thread_messages_reply_to_fk" FOREIGN KEY ("reply_to_id") REFERENCES "public"."thread_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "threads" ADD CONSTRAINT "threads_pinned_message_fk" FOREIGN KEY ("pinned_message_id") REFERENCES "public"."thread_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
INSERT INTO "surfacing_settings" ("id") VALUES (1) ON CONFLICT DO NOTHING;
