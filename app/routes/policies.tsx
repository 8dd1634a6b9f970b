import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useIntentReply } from "~/components/app-form";
import { FormErrors } from "~/components/form-field";
import { acknowledgePolicy, policiesForRecipient } from "~/domain/policies.server";
import { NoFieldsSchema } from "~/forms/policies";
import { formErrorsOf } from "~/forms/reply";
import { SERVER_EVENTS } from "~/realtime/events";
import { publishPolicyAcknowledgements } from "~/realtime/meetings-notify.server";
import { useSocket } from "~/realtime/socket-provider";
import { intent, runIntent } from "~/server/intent.server";
import { getT } from "~/utils/i18n.server";
import { can, districtsWhere } from "~/utils/permissions";
import { formatDate, toJalaliInput } from "~/utils/persian";
import { requireUser } from "~/server/session.server";
import { uuidField } from "~/forms/fields";

const AcknowledgeSchema = NoFieldsSchema.extend({ policyId: uuidField() });

/** The policies addressed to a district manager or a council chair, each with «رؤیت شد». */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const [policies, t] = await Promise.all([policiesForRecipient(context.db, user), getT(request)]);
  const mayAcknowledge = districtsWhere(user, ["district_manager"]).length > 0 || user.councilRoles.some((s) => s.role === "chair");
  return { title: t("policies.mine"), policies, mayAcknowledge };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  return runIntent(await request.formData(), {
    acknowledge: intent({
      schema: AcknowledgeSchema,
      key: "policyId",
      // Whether this policy is addressed to the person is asked of the permission module in the domain call.
      guard: () =>
        districtsWhere(user, ["district_manager"]).length > 0 ||
        user.councilRoles.some((s) => s.role === "chair") ||
        can(user, "policy.publish"),
      run: async ({ policyId }) => {
        const result = await acknowledgePolicy(context.db, { actor: user, policyId }, context.requestId);
        if (!result.ok) return result;
        await publishPolicyAcknowledgements(context.io, context.db, policyId);
        return redirect("/policies");
      },
    }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function MyPolicies() {
  const { policies } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { socket } = useSocket();
  const revalidator = useRevalidator();
  // A new policy for this person arrives in their own room (joined by the server at connection).
  useEffect(() => {
    if (!socket) return;
    const onPublished = () => revalidator.revalidate();
    socket.on(SERVER_EVENTS.policyPublished, onPublished);
    return () => {
      socket.off(SERVER_EVENTS.policyPublished, onPublished);
    };
  }, [socket, revalidator]);
  return (
    <main className="page page--narrow">
      <h1>{t("policies.mine")}</h1>
      {policies.length === 0 ? <p className="muted">{t("policies.mine_none")}</p> : null}
      <ul className="list stack">
        {policies.map((p) => (
          <li key={p.policyId} className="card stack">
            <h2 dir="auto">{p.title}</h2>
            <p className="small muted">
              {t("policies.effective_from", {
                date: i18n.language === "fa" ? toJalaliInput(p.effectiveOn) : toJalaliInput(p.effectiveOn, "latn"),
              })}{" "}
              · {formatDate(p.publishedAt, i18n.language)}
            </p>
            <p className="policy-body" dir="auto">
              {p.body}
            </p>
            {p.acknowledgedAt ? (
              <p className="chip chip--accent">{t("policies.seen_on", { date: formatDate(p.acknowledgedAt, i18n.language) })}</p>
            ) : (
              <AcknowledgeForm policyId={p.policyId} />
            )}
          </li>
        ))}
      </ul>
    </main>
  );
}

function AcknowledgeForm({ policyId }: { policyId: string }) {
  const { t } = useTranslation();
  const errors = formErrorsOf(useIntentReply("acknowledge", policyId));
  return (
    <Form method="post" noValidate>
      <FormErrors errors={errors} />
      <input type="hidden" name="policyId" value={policyId} />
      <button type="submit" name="intent" value="acknowledge" className="button">
        {t("policies.acknowledge")}
      </button>
    </Form>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
