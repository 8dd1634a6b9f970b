CREATE TABLE "ballots" (
	"vote_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"choice" text NOT NULL,
	"cast_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ballots_vote_id_user_id_pk" PRIMARY KEY("vote_id","user_id"),
	CONSTRAINT "ballots_choice_valid" CHECK ("ballots"."choice" in ('for','against','abstain'))
);
--> statement-breakpoint
CREATE TABLE "votes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"proposal_id" uuid NOT NULL,
	"council_id" uuid NOT NULL,
	"round" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"opened_by" uuid,
	"opens_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"for_count" integer,
	"against_count" integer,
	"abstain_count" integer,
	"active_members" integer,
	"quorum_needed" integer,
	"result" text,
	CONSTRAINT "votes_status_valid" CHECK ("votes"."status" in ('open','closed')),
	CONSTRAINT "votes_window" CHECK ("votes"."closes_at" > "votes"."opens_at"),
	CONSTRAINT "votes_result_valid" CHECK ("votes"."result" is null or "votes"."result" in ('adopted','not_adopted')),
	CONSTRAINT "votes_closed_consistent" CHECK (("votes"."status" = 'closed') = ("votes"."closed_at" is not null and "votes"."result" is not null))
);
--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_vote_id_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."votes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_council_id_councils_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."councils"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_opened_by_users_id_fk" FOREIGN KEY ("opened_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "votes_one_open_per_proposal" ON "votes" USING btree ("proposal_id") WHERE "votes"."status" = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "votes_proposal_round_key" ON "votes" USING btree ("proposal_id","round");--> statement-breakpoint
CREATE INDEX "votes_due_idx" ON "votes" USING btree ("closes_at") WHERE "votes"."status" = 'open';