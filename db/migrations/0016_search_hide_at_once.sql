-- A message hidden, deleted or removed leaves the search in the same transaction, not when the
-- indexer next runs: the query then needs no visibility check per matching row (which made a
-- common word cost one lookup per match). The note is written first: if an indexer batch holds
-- the message's note, the writer waits here for the batch to commit, and the delete that follows
-- (a statement of its own, with a fresh snapshot) removes whatever the batch wrote.
CREATE OR REPLACE FUNCTION search_note_message() RETURNS trigger AS $$
BEGIN
  INSERT INTO search_dirty (kind, source_id)
    VALUES ('message', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)
    ON CONFLICT (kind, source_id) DO UPDATE SET kind = EXCLUDED.kind;
  IF TG_OP = 'DELETE' THEN
    DELETE FROM search_entries WHERE kind = 'message' AND source_id = OLD.id;
  ELSIF NEW.hidden_at IS NOT NULL OR NEW.deleted_at IS NOT NULL THEN
    DELETE FROM search_entries WHERE kind = 'message' AND source_id = NEW.id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER IF EXISTS thread_messages_search ON "thread_messages";
--> statement-breakpoint
CREATE TRIGGER thread_messages_search AFTER INSERT OR DELETE OR UPDATE OF body, deleted_at, hidden_at ON "thread_messages"
  FOR EACH ROW EXECUTE FUNCTION search_note_message();
