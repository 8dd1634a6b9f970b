-- Trigram matching for the public search (contrib; PGlite loads it as an extension).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TABLE "search_dirty" (
	"kind" text NOT NULL,
	"source_id" uuid NOT NULL,
	CONSTRAINT "search_dirty_kind_source_id_pk" PRIMARY KEY("kind","source_id")
);
--> statement-breakpoint
CREATE TABLE "search_entries" (
	"kind" text NOT NULL,
	"source_id" uuid NOT NULL,
	"district_id" uuid,
	"neighborhood_id" uuid,
	"council_id" uuid,
	"proposal_id" uuid,
	"thread_id" uuid,
	"status" text,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"words" text NOT NULL,
	"compact" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "search_entries_kind_source_id_pk" PRIMARY KEY("kind","source_id"),
	CONSTRAINT "search_entries_kind_valid" CHECK ("search_entries"."kind" in ('proposal','council','neighborhood','decision','message'))
);
--> statement-breakpoint
CREATE INDEX "search_entries_compact_trgm" ON "search_entries" USING gin ("compact" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "search_entries_words_trgm" ON "search_entries" USING gin ("words" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "search_entries_at_idx" ON "search_entries" USING btree ("at","source_id");--> statement-breakpoint
-- Every change to something searchable notes its row; the app's indexer rewrites the entry with
-- the app's own normalization (app/utils/search-text.ts). Deleted rows are noted too. A note that
-- exists is touched, not skipped: the writer then holds it until commit, so an indexer batch
-- cannot take it away before the change is visible (it skips locked notes).
CREATE OR REPLACE FUNCTION search_note_row() RETURNS trigger AS $$
BEGIN
  INSERT INTO search_dirty (kind, source_id)
    VALUES (TG_ARGV[0], CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)
    ON CONFLICT (kind, source_id) DO UPDATE SET kind = EXCLUDED.kind;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- A neighborhood's name is also its council's name: note both.
CREATE OR REPLACE FUNCTION search_note_neighborhood() RETURNS trigger AS $$
BEGIN
  INSERT INTO search_dirty (kind, source_id)
    VALUES ('neighborhood', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)
    ON CONFLICT (kind, source_id) DO UPDATE SET kind = EXCLUDED.kind;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO search_dirty (kind, source_id)
      SELECT 'council', c.id FROM councils c WHERE c.neighborhood_id = NEW.id
      ON CONFLICT (kind, source_id) DO UPDATE SET kind = EXCLUDED.kind;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER proposals_search AFTER INSERT OR DELETE OR UPDATE OF title, body, place, status, council_id ON "proposals"
  FOR EACH ROW EXECUTE FUNCTION search_note_row('proposal');
--> statement-breakpoint
CREATE TRIGGER councils_search AFTER INSERT OR DELETE OR UPDATE OF status, neighborhood_id ON "councils"
  FOR EACH ROW EXECUTE FUNCTION search_note_row('council');
--> statement-breakpoint
CREATE TRIGGER neighborhoods_search AFTER INSERT OR DELETE OR UPDATE OF name, description ON "neighborhoods"
  FOR EACH ROW EXECUTE FUNCTION search_note_neighborhood();
--> statement-breakpoint
CREATE TRIGGER referrals_search AFTER INSERT OR DELETE OR UPDATE OF decision, rationale, unit_name ON "referrals"
  FOR EACH ROW EXECUTE FUNCTION search_note_row('decision');
--> statement-breakpoint
CREATE TRIGGER thread_messages_search AFTER INSERT OR DELETE OR UPDATE OF body, deleted_at, hidden_at ON "thread_messages"
  FOR EACH ROW EXECUTE FUNCTION search_note_row('message');
--> statement-breakpoint
-- What exists already is indexed by the running app, a batch at a time.
INSERT INTO search_dirty (kind, source_id) SELECT 'neighborhood', id FROM neighborhoods;
--> statement-breakpoint
INSERT INTO search_dirty (kind, source_id) SELECT 'council', id FROM councils;
--> statement-breakpoint
INSERT INTO search_dirty (kind, source_id) SELECT 'proposal', id FROM proposals;
--> statement-breakpoint
INSERT INTO search_dirty (kind, source_id) SELECT 'decision', id FROM referrals WHERE decision IS NOT NULL;
--> statement-breakpoint
INSERT INTO search_dirty (kind, source_id)
  SELECT 'message', m.id FROM thread_messages m JOIN threads t ON t.id = m.thread_id
  WHERE t.kind <> 'commission' AND m.deleted_at IS NULL AND m.hidden_at IS NULL;
