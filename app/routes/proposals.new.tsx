import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ProposalFields } from "~/components/proposal-fields";
import { FormErrors } from "~/components/form-field";
import { getCouncil, getNeighborhood } from "~/domain/councils.server";
import { fileProposal, listCategories } from "~/domain/proposals.server";
import { PROPOSAL_BODY_MAX, PROPOSAL_TITLE_MAX, ProposalSchema } from "~/forms/proposals";
import { invariantFound, isUuid } from "~/utils/guards.server";
import { getT } from "~/utils/i18n.server";
import { requireUser } from "~/utils/session.server";

async function loadCouncil(request: Request, context: LoaderFunctionArgs["context"]) {
  const id = new URL(request.url).searchParams.get("council");
  const council = invariantFound(isUuid(id) ? await getCouncil(context.db, id) : null);
  const neighborhood = invariantFound(await getNeighborhood(context.db, council.neighborhoodId));
  return { council, neighborhood };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  const { council, neighborhood } = await loadCouncil(request, context);
  const t = await getT(request);
  return {
    title: t("proposal.new_title"),
    council: { id: council.id, status: council.status, proposers: council.proposers },
    neighborhoodName: neighborhood.name,
    categories: (await listCategories(context.db)).map((c) => ({ id: c.id, name: c.name })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const { council } = await loadCouncil(request, context);
  const submission = parseWithZod(await request.formData(), { schema: ProposalSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const outcome = await fileProposal(context.db, { ...submission.value, councilId: council.id, authorId: user.id });
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.error] }) }, { status: 409 });
  return redirect(`/proposals/${outcome.id}`);
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function NewProposal() {
  const { council, neighborhoodName, categories } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "new-proposal",
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ProposalSchema }),
  });
  const limits = { titleMax: PROPOSAL_TITLE_MAX, bodyMax: PROPOSAL_BODY_MAX };
  return (
    <main className="page page--narrow">
      <nav className="breadcrumbs" aria-label={t("common.breadcrumbs")}>
        <Link to={`/councils/${council.id}`}>{t("proposal.council_of", { name: neighborhoodName })}</Link>
      </nav>
      <div className="card stack">
        <h1>{t("proposal.new_title")}</h1>
        <p className="muted">{t("proposal.new_intro", { name: neighborhoodName })}</p>
        {council.proposers === "members" ? <p className="small">{t("proposal.members_only_note")}</p> : null}
        <Form method="post" {...getFormProps(form)} className="form">
          <FormErrors errors={form.errors} params={limits} />
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
