CREATE INDEX "supports_created_idx" ON "supports" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "thread_messages_created_idx" ON "thread_messages" USING btree ("created_at");