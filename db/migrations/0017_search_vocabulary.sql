CREATE TABLE "search_vocabulary" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
-- The typo pass no longer reads the entries' words (it reads the vocabulary below).
DROP INDEX "search_entries_words_trgm";--> statement-breakpoint
CREATE INDEX "search_vocabulary_word_trgm" ON "search_vocabulary" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
-- The words already indexed (the indexer adds new ones as it writes entries).
INSERT INTO "search_vocabulary" ("word")
  SELECT DISTINCT w FROM "search_entries", regexp_split_to_table("words", ' ') AS w
  WHERE char_length(w) >= 5
  ON CONFLICT DO NOTHING;
