CREATE TABLE "absence_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"membership_id" uuid NOT NULL,
	"council_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"note" text NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "absence_reviews_outcome_valid" CHECK ("absence_reviews"."outcome" in ('kept','removed')),
	CONSTRAINT "absence_reviews_note_length" CHECK (char_length("absence_reviews"."note") between 3 and 1000)
);
--> statement-breakpoint
CREATE TABLE "meeting_agenda_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"proposal_id" uuid,
	"title" text NOT NULL,
	CONSTRAINT "meeting_agenda_items_title_length" CHECK (char_length("meeting_agenda_items"."title") between 2 and 200)
);
--> statement-breakpoint
CREATE TABLE "meeting_attendance" (
	"meeting_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"status" text NOT NULL,
	"arrived_at" timestamp with time zone,
	"marked_by" uuid,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_attendance_meeting_id_user_id_pk" PRIMARY KEY("meeting_id","user_id"),
	CONSTRAINT "meeting_attendance_status_valid" CHECK ("meeting_attendance"."status" in ('present','absent','excused','late')),
	CONSTRAINT "meeting_attendance_late_time" CHECK (("meeting_attendance"."status" = 'late') = ("meeting_attendance"."arrived_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"council_id" uuid NOT NULL,
	"district_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"kind" text DEFAULT 'regular' NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"place" text NOT NULL,
	"chair_id" uuid,
	"invitees" text DEFAULT '' NOT NULL,
	"opened_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"seats" integer,
	"present_count" integer,
	"quorum_needed" integer,
	"quorum_met" boolean,
	"cancel_reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meetings_kind_valid" CHECK ("meetings"."kind" in ('regular','extra')),
	CONSTRAINT "meetings_status_valid" CHECK ("meetings"."status" in ('scheduled','in_session','closed','cancelled')),
	CONSTRAINT "meetings_number_positive" CHECK ("meetings"."number" >= 1),
	CONSTRAINT "meetings_window" CHECK ("meetings"."ends_at" > "meetings"."starts_at"),
	CONSTRAINT "meetings_place_length" CHECK (char_length("meetings"."place") between 2 and 200),
	CONSTRAINT "meetings_closed_complete" CHECK (("meetings"."status" = 'closed') = ("meetings"."closed_at" is not null and "meetings"."quorum_met" is not null and "meetings"."present_count" is not null and "meetings"."quorum_needed" is not null))
);
--> statement-breakpoint
CREATE TABLE "minutes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"council_id" uuid NOT NULL,
	"district_id" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"corrects_id" uuid,
	"status" text DEFAULT 'draft' NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"drafted_by" uuid,
	"circulated_at" timestamp with time zone,
	"respond_by" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "minutes_status_valid" CHECK ("minutes"."status" in ('draft','circulating','approved')),
	CONSTRAINT "minutes_version_positive" CHECK ("minutes"."version" >= 1),
	CONSTRAINT "minutes_correction_linked" CHECK (("minutes"."version" = 1) = ("minutes"."corrects_id" is null)),
	CONSTRAINT "minutes_circulated_complete" CHECK ("minutes"."status" = 'draft' or ("minutes"."circulated_at" is not null and "minutes"."respond_by" is not null)),
	CONSTRAINT "minutes_approved_complete" CHECK (("minutes"."status" = 'approved') = ("minutes"."approved_at" is not null)),
	CONSTRAINT "minutes_summary_length" CHECK (char_length("minutes"."summary") <= 10000)
);
--> statement-breakpoint
CREATE TABLE "minutes_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"minutes_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"text" text NOT NULL,
	"responsible" text NOT NULL,
	"due_on" date,
	"proposal_id" uuid,
	"tally_for" integer,
	"tally_against" integer,
	"tally_abstain" integer,
	CONSTRAINT "minutes_decisions_number_positive" CHECK ("minutes_decisions"."number" >= 1),
	CONSTRAINT "minutes_decisions_text_length" CHECK (char_length("minutes_decisions"."text") between 3 and 2000),
	CONSTRAINT "minutes_decisions_responsible_length" CHECK (char_length("minutes_decisions"."responsible") between 2 and 200),
	CONSTRAINT "minutes_decisions_tally_complete" CHECK (("minutes_decisions"."tally_for" is null and "minutes_decisions"."tally_against" is null and "minutes_decisions"."tally_abstain" is null)
       or ("minutes_decisions"."proposal_id" is not null and "minutes_decisions"."tally_for" >= 0 and "minutes_decisions"."tally_against" >= 0 and "minutes_decisions"."tally_abstain" >= 0))
);
--> statement-breakpoint
CREATE TABLE "minutes_items" (
	"minutes_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"agenda_item_id" uuid,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	CONSTRAINT "minutes_items_minutes_id_position_pk" PRIMARY KEY("minutes_id","position"),
	CONSTRAINT "minutes_items_summary_length" CHECK (char_length("minutes_items"."summary") between 1 and 5000)
);
--> statement-breakpoint
CREATE TABLE "minutes_responses" (
	"minutes_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"verdict" text NOT NULL,
	"comment" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "minutes_responses_minutes_id_user_id_pk" PRIMARY KEY("minutes_id","user_id"),
	CONSTRAINT "minutes_responses_verdict_valid" CHECK ("minutes_responses"."verdict" in ('approve','object')),
	CONSTRAINT "minutes_responses_objection_explained" CHECK ("minutes_responses"."verdict" = 'approve' or char_length(coalesce("minutes_responses"."comment", '')) >= 3)
);
--> statement-breakpoint
CREATE TABLE "policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"effective_on" date NOT NULL,
	"all_districts" boolean DEFAULT true NOT NULL,
	"district_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"recipients" text DEFAULT 'both' NOT NULL,
	"published_version" integer DEFAULT 0 NOT NULL,
	"has_draft" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policies_title_length" CHECK (char_length("policies"."title") between 5 and 200),
	CONSTRAINT "policies_body_length" CHECK (char_length("policies"."body") between 10 and 20000),
	CONSTRAINT "policies_recipients_valid" CHECK ("policies"."recipients" in ('managers','chairs','both')),
	CONSTRAINT "policies_published_version_nonneg" CHECK ("policies"."published_version" >= 0)
);
--> statement-breakpoint
CREATE TABLE "policy_acknowledgements" (
	"version_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"district_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policy_acknowledgements_version_id_user_id_pk" PRIMARY KEY("version_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "policy_version_districts" (
	"version_id" uuid NOT NULL,
	"district_id" uuid NOT NULL,
	CONSTRAINT "policy_version_districts_version_id_district_id_pk" PRIMARY KEY("version_id","district_id")
);
--> statement-breakpoint
CREATE TABLE "policy_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"policy_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"effective_on" date NOT NULL,
	"all_districts" boolean NOT NULL,
	"recipients" text NOT NULL,
	"published_by" uuid,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policy_versions_version_positive" CHECK ("policy_versions"."version" >= 1),
	CONSTRAINT "policy_versions_recipients_valid" CHECK ("policy_versions"."recipients" in ('managers','chairs','both'))
);
--> statement-breakpoint
ALTER TABLE "councils" ADD COLUMN "meetings_per_month" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "councils" ADD COLUMN "meeting_quorum_kind" text DEFAULT 'count' NOT NULL;--> statement-breakpoint
ALTER TABLE "councils" ADD COLUMN "meeting_quorum" integer DEFAULT 6 NOT NULL;--> statement-breakpoint
ALTER TABLE "councils" ADD COLUMN "absences_in_row" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "councils" ADD COLUMN "absences_in_year" integer DEFAULT 6 NOT NULL;--> statement-breakpoint
ALTER TABLE "councils" ADD COLUMN "minutes_approval_days" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE "councils" ADD COLUMN "meetings_adopt" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "absence_reviews" ADD CONSTRAINT "absence_reviews_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "absence_reviews" ADD CONSTRAINT "absence_reviews_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "absence_reviews" ADD CONSTRAINT "absence_reviews_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_agenda_items" ADD CONSTRAINT "meeting_agenda_items_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_agenda_items" ADD CONSTRAINT "meeting_agenda_items_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_attendance" ADD CONSTRAINT "meeting_attendance_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_attendance" ADD CONSTRAINT "meeting_attendance_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_attendance" ADD CONSTRAINT "meeting_attendance_marked_by_users_id_fk" FOREIGN KEY ("marked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_chair_id_users_id_fk" FOREIGN KEY ("chair_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minutes" ADD CONSTRAINT "minutes_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minutes" ADD CONSTRAINT "minutes_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minutes" ADD CONSTRAINT "minutes_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minutes" ADD CONSTRAINT "minutes_drafted_by_users_id_fk" FOREIGN KEY ("drafted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minutes_decisions" ADD CONSTRAINT "minutes_decisions_minutes_id_minutes_id_fk" FOREIGN KEY ("minutes_id") REFERENCES "public"."minutes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minutes_decisions" ADD CONSTRAINT "minutes_decisions_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minutes_items" ADD CONSTRAINT "minutes_items_minutes_id_minutes_id_fk" FOREIGN KEY ("minutes_id") REFERENCES "public"."minutes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minutes_items" ADD CONSTRAINT "minutes_items_agenda_item_id_meeting_agenda_items_id_fk" FOREIGN KEY ("agenda_item_id") REFERENCES "public"."meeting_agenda_items"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minutes_responses" ADD CONSTRAINT "minutes_responses_minutes_id_minutes_id_fk" FOREIGN KEY ("minutes_id") REFERENCES "public"."minutes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minutes_responses" ADD CONSTRAINT "minutes_responses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_acknowledgements" ADD CONSTRAINT "policy_acknowledgements_version_id_policy_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."policy_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_acknowledgements" ADD CONSTRAINT "policy_acknowledgements_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_acknowledgements" ADD CONSTRAINT "policy_acknowledgements_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_version_districts" ADD CONSTRAINT "policy_version_districts_version_id_policy_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."policy_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_version_districts" ADD CONSTRAINT "policy_version_districts_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "absence_reviews_membership_idx" ON "absence_reviews" USING btree ("membership_id","decided_at");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_agenda_items_position_key" ON "meeting_agenda_items" USING btree ("meeting_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_agenda_items_proposal_key" ON "meeting_agenda_items" USING btree ("meeting_id","proposal_id") WHERE "meeting_agenda_items"."proposal_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "meetings_council_number_key" ON "meetings" USING btree ("council_id","number");--> statement-breakpoint
CREATE INDEX "meetings_council_time_idx" ON "meetings" USING btree ("council_id","starts_at");--> statement-breakpoint
CREATE INDEX "meetings_district_time_idx" ON "meetings" USING btree ("district_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "minutes_meeting_version_key" ON "minutes" USING btree ("meeting_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "minutes_one_open_per_meeting" ON "minutes" USING btree ("meeting_id") WHERE "minutes"."status" <> 'approved';--> statement-breakpoint
CREATE INDEX "minutes_district_idx" ON "minutes" USING btree ("district_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "minutes_decisions_number_key" ON "minutes_decisions" USING btree ("minutes_id","number");--> statement-breakpoint
CREATE INDEX "policy_version_districts_district_idx" ON "policy_version_districts" USING btree ("district_id");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_versions_policy_version_key" ON "policy_versions" USING btree ("policy_id","version");--> statement-breakpoint
CREATE INDEX "policy_versions_published_idx" ON "policy_versions" USING btree ("published_at");--> statement-breakpoint
ALTER TABLE "councils" ADD CONSTRAINT "councils_meetings_per_month_range" CHECK ("councils"."meetings_per_month" between 0 and 8);--> statement-breakpoint
ALTER TABLE "councils" ADD CONSTRAINT "councils_meeting_quorum_kind_valid" CHECK ("councils"."meeting_quorum_kind" in ('count','percent'));--> statement-breakpoint
ALTER TABLE "councils" ADD CONSTRAINT "councils_meeting_quorum_range" CHECK ("councils"."meeting_quorum" >= 1 and ("councils"."meeting_quorum_kind" = 'count' and "councils"."meeting_quorum" <= 500 or "councils"."meeting_quorum_kind" = 'percent' and "councils"."meeting_quorum" <= 100));--> statement-breakpoint
ALTER TABLE "councils" ADD CONSTRAINT "councils_absence_rule_range" CHECK ("councils"."absences_in_row" between 1 and 50 and "councils"."absences_in_year" between 1 and 100);--> statement-breakpoint
ALTER TABLE "councils" ADD CONSTRAINT "councils_minutes_approval_days_range" CHECK ("councils"."minutes_approval_days" between 1 and 60);--> statement-breakpoint
ALTER TABLE "minutes" ADD CONSTRAINT "minutes_corrects_id_minutes_id_fk" FOREIGN KEY ("corrects_id") REFERENCES "public"."minutes"("id") ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
-- Approved minutes are the council's record: nothing changes them afterwards, whoever asks
-- (the app, a script, a hand-typed UPDATE). A correction is a new version that names this one.
CREATE OR REPLACE FUNCTION minutes_refuse_change_when_approved() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'approved' THEN
    RAISE EXCEPTION 'minutes % are approved and locked', OLD.id USING ERRCODE = 'check_violation', CONSTRAINT = 'minutes_locked';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER minutes_locked BEFORE UPDATE OR DELETE ON "minutes"
  FOR EACH ROW EXECUTE FUNCTION minutes_refuse_change_when_approved();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION minutes_part_refuse_change_when_approved() RETURNS trigger AS $$
DECLARE
  locked boolean;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT status = 'approved' INTO locked FROM minutes WHERE id = OLD.minutes_id;
    IF locked THEN
      RAISE EXCEPTION 'minutes % are approved and locked', OLD.minutes_id USING ERRCODE = 'check_violation', CONSTRAINT = 'minutes_locked';
    END IF;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    SELECT status = 'approved' INTO locked FROM minutes WHERE id = NEW.minutes_id;
    IF locked THEN
      RAISE EXCEPTION 'minutes % are approved and locked', NEW.minutes_id USING ERRCODE = 'check_violation', CONSTRAINT = 'minutes_locked';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER minutes_items_locked BEFORE INSERT OR UPDATE OR DELETE ON "minutes_items"
  FOR EACH ROW EXECUTE FUNCTION minutes_part_refuse_change_when_approved();
--> statement-breakpoint
CREATE TRIGGER minutes_decisions_locked BEFORE INSERT OR UPDATE OR DELETE ON "minutes_decisions"
  FOR EACH ROW EXECUTE FUNCTION minutes_part_refuse_change_when_approved();
--> statement-breakpoint
CREATE TRIGGER minutes_responses_locked BEFORE INSERT OR UPDATE OR DELETE ON "minutes_responses"
  FOR EACH ROW EXECUTE FUNCTION minutes_part_refuse_change_when_approved();
--> statement-breakpoint
-- A published version of a policy is what its recipients acknowledged: it never changes.
CREATE OR REPLACE FUNCTION policy_versions_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'policy versions are unchangeable once published' USING ERRCODE = 'check_violation', CONSTRAINT = 'policy_versions_fixed';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER policy_versions_fixed BEFORE UPDATE OR DELETE ON "policy_versions"
  FOR EACH ROW EXECUTE FUNCTION policy_versions_refuse_change();
