import { getFormProps } from "@conform-to/react";
import { useIntentForm } from "~/components/app-form";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ProposalFields } from "~/components/proposal-fields";
import { FormErrors, Notice } from "~/components/form-field";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { editProposal, getProposal, listCategories } from "~/domain/proposals.server";
import { PROPOSAL_BODY_MAX, PROPOSAL_TITLE_MAX, ProposalSchema } from "~/forms/proposals";
import { publishProposalState } from "~/realtime/live.server";
import { invariantFound, isUuid, requireAllowed } from "~/server/guards.server";
import { runForm } from "~/server/intent.server";
import { mayEditProposal } from "~/utils/permissions";
import { getT } from "~/utils/i18n.server";
import { requireUser } from "~/server/session.server";

/** The author's own proposal, editable until its first support. */
async function loadOwn(request: Request, context: LoaderFunctionArgs["context"], id: string | undefined) {
  const user = await requireUser(request, context);
  const proposal = invariantFound(isUuid(id) ? await getProposal(context.db, id) : null);
  requireAllowed(mayEditProposal(user, proposal));
  return { user, proposal };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { proposal } = await loadOwn(request, context, params.proposalId);
  const t = await getT(request);
  return {
    title: t("proposal.edit_title"),
    proposal: { id: proposal.id, title: proposal.title, body: proposal.body, categoryId: proposal.categoryId, place: proposal.place },
    editable: proposal.status === "open" && proposal.supportCount === 0,
    categories: (await listCategories(context.db)).map((c) => ({ id: c.id, name: c.name })),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, proposal } = await loadOwn(request, context, params.proposalId);
  return runForm(await request.formData(), "edit-proposal", {
    schema: ProposalSchema,
    run: async (value) => {
      const outcome = await editProposal(context.db, { ...value, proposalId: proposal.id, userId: user.id });
      if (!outcome.ok) return outcome;
      publishProposalState(context.io, context.db, proposal.id);
      return redirect(`/proposals/${proposal.id}`);
    },
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function EditProposal() {
  const { proposal, editable, categories } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("edit-proposal", ProposalSchema, {
    defaultValue: { title: proposal.title, body: proposal.body, categoryId: proposal.categoryId, place: proposal.place },
  });
  const limits = { titleMax: PROPOSAL_TITLE_MAX, bodyMax: PROPOSAL_BODY_MAX };
  return (
    <main className="page page--narrow">
      <Breadcrumbs trail={[{ to: `/proposals/${proposal.id}`, label: t("proposal.back_to_proposal") }]} />
      <div className="card stack">
        <h1>{t("proposal.edit_title")}</h1>
        {!editable ? <Notice tone="info">{t("errors.has_supports")}</Notice> : null}
        <Form method="post" {...getFormProps(form)} className="form">
          <FormErrors errors={form.errors} params={limits} />
          <ProposalFields fields={fields} categories={categories} limits={limits} />
          <button type="submit" className="button button--block" disabled={busy || !editable}>
            {t("common.save")}
          </button>
        </Form>
      </div>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
