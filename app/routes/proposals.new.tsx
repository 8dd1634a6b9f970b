import { getFormProps } from "@conform-to/react";
import { useAppForm, useIntentReply } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { ProposalFields } from "~/components/proposal-fields";
import { FormErrors, TextField } from "~/components/form-field";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { getCouncil, getNeighborhood } from "~/domain/councils.server";
import { fileProposal, listCategories } from "~/domain/proposals.server";
import { OnBehalfSchema, PROPOSAL_BODY_MAX, PROPOSAL_TITLE_MAX, ProposalSchema } from "~/forms/proposals";
import { can } from "~/utils/permissions";
import { invariantFound } from "~/server/guards.server";
import { runForm } from "~/server/intent.server";
import { getT } from "~/utils/i18n.server";
import { queryField, readQuery } from "~/utils/query";
import { requireUser } from "~/server/session.server";

/** The council the proposal goes to (required: without it there is no page) and the on-behalf switch. */
const NewProposalQuery = { council: queryField.uuid(), onBehalf: queryField.flag() };

async function loadCouncil(request: Request, context: LoaderFunctionArgs["context"]) {
  const id = readQuery(request, NewProposalQuery).values.council;
  const council = invariantFound(id ? await getCouncil(context.db, id) : null);
  const neighborhood = invariantFound(await getNeighborhood(context.db, council.neighborhoodId));
  return { council, neighborhood };
}

/** District staff (with the power) file for a resident: `?onBehalf=1`. */
function onBehalfAllowed(request: Request, user: Awaited<ReturnType<typeof requireUser>>, districtId: string) {
  return (
    readQuery(request, NewProposalQuery).values.onBehalf === "1" && can(user, "district.file_on_behalf", { kind: "district", districtId })
  );
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { council, neighborhood } = await loadCouncil(request, context);
  const mayFileForOthers = can(user, "district.file_on_behalf", { kind: "district", districtId: council.districtId });
  const t = await getT(request);
  return {
    title: t("proposal.new_title"),
    council: { id: council.id, status: council.status, proposers: council.proposers },
    onBehalf: onBehalfAllowed(request, user, council.districtId),
    mayFileForOthers,
    neighborhoodName: neighborhood.name,
    categories: (await listCategories(context.db)).map((c) => ({ id: c.id, name: c.name })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const { council } = await loadCouncil(request, context);
  const formData = await request.formData();
  const filed = (outcome: Awaited<ReturnType<typeof fileProposal>>) => (outcome.ok ? redirect(`/proposals/${outcome.id}`) : outcome);
  if (readQuery(request, NewProposalQuery).values.onBehalf === "1") {
    return runForm(formData, "new-proposal", {
      schema: OnBehalfSchema,
      // Answered on the form (what was typed kept), like any refusal, never with an error page.
      guard: () => onBehalfAllowed(request, user, council.districtId),
      run: async ({ onBehalfName, onBehalfPhone, ...proposal }) =>
        filed(
          await fileProposal(context.db, {
            ...proposal,
            councilId: council.id,
            authorId: null,
            onBehalf: { filedById: user.id, name: onBehalfName, phone: onBehalfPhone },
          }),
        ),
    });
  }
  return runForm(formData, "new-proposal", {
    schema: ProposalSchema,
    run: async (value) => filed(await fileProposal(context.db, { ...value, councilId: council.id, authorId: user.id })),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function NewProposal() {
  const { council, neighborhoodName, categories, onBehalf, mayFileForOthers } = useLoaderData<typeof loader>();
  const reply = useIntentReply("new-proposal");
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  // Typed with the on-behalf schema, a superset: its two extra fields render only for staff.
  const [form, fields] = useAppForm<z.input<typeof OnBehalfSchema>>({
    id: "new-proposal",
    lastResult: reply?.result,
    onValidate: ({ formData }) =>
      onBehalf ? parseWithZod(formData, { schema: OnBehalfSchema }) : (parseWithZod(formData, { schema: ProposalSchema }) as never),
  });
  const limits = { titleMax: PROPOSAL_TITLE_MAX, bodyMax: PROPOSAL_BODY_MAX };
  return (
    <main className="page page--narrow">
      <Breadcrumbs trail={[{ to: `/councils/${council.id}`, label: t("proposal.council_of", { name: neighborhoodName }) }]} />
      <div className="card stack">
        <h1>{t("proposal.new_title")}</h1>
        <p className="muted">{t("proposal.new_intro", { name: neighborhoodName })}</p>
        {council.proposers === "members" && !onBehalf ? <p className="small">{t("proposal.members_only_note")}</p> : null}
        {mayFileForOthers && !onBehalf ? (
          <p className="small">
            <Link to={`/proposals/new?council=${council.id}&onBehalf=1`}>{t("proposal.file_for_resident")}</Link>
          </p>
        ) : null}
        <Form method="post" {...getFormProps(form)} className="form">
          <FormErrors errors={form.errors} params={limits} />
          {onBehalf ? (
            <fieldset className="charter-group">
              <legend>{t("proposal.on_behalf_legend")}</legend>
              <p className="small muted">{t("proposal.on_behalf_intro")}</p>
              <TextField field={fields.onBehalfName} label={t("proposal.on_behalf_name")} />
              <TextField
                field={fields.onBehalfPhone}
                label={t("proposal.on_behalf_phone")}
                type="tel"
                ltr
                inputProps={{ inputMode: "tel", autoComplete: "off", placeholder: t("auth.phone_placeholder") }}
              />
            </fieldset>
          ) : null}
          <ProposalFields fields={fields} categories={categories} limits={limits} choosePrompt />
          <button type="submit" className="button button--block" disabled={busy}>
            {t("proposal.file_submit")}
          </button>
        </Form>
      </div>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
