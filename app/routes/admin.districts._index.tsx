import { getFormProps } from "@conform-to/react";
import { useIntentForm, useIntentReply } from "~/components/app-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, Notice, TextAreaField, TextField } from "~/components/form-field";
import { createDistrict, listDistricts } from "~/domain/districts.server";
import { DistrictSchema } from "~/forms/admin";
import { notifyCityChanged } from "~/realtime/notify.server";
import { requireUserWith } from "~/server/guards.server";
import { runForm } from "~/server/intent.server";
import { getT } from "~/utils/i18n.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "admin.access");
  const t = await getT(request);
  return { title: `${t("admin.districts")} · ${t("admin.title")}`, districts: await listDistricts(context.db) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, "district.create");
  return runForm(await request.formData(), "create-district", {
    schema: DistrictSchema,
    run: async (value) => {
      const outcome = await createDistrict(context.db, user.id, value, context.requestId);
      if (!outcome.ok) return outcome;
      notifyCityChanged(context.io);
      return { ok: true, done: "created", resetForm: true, params: { name: value.name } };
    },
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function AdminDistricts() {
  const { districts } = useLoaderData<typeof loader>();
  const reply = useIntentReply("create-district");
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("create-district", DistrictSchema);
  return (
    <div className="columns">
      <section className="card">
        <h2>{t("admin.districts_list")}</h2>
        {districts.length === 0 ? (
          <p className="empty">{t("admin.districts_empty")}</p>
        ) : (
          <ul className="list">
            {districts.map((d) => (
              <li key={d.id} className="list__item">
                <Link to={`/admin/districts/${d.id}`} className="list__link">
                  <strong dir="auto">{d.name}</strong>
                  <span className="muted small">
                    {t("home.district_number", { number: d.number })} · {t("home.neighborhood_count", { count: d.neighborhoodCount })} ·{" "}
                    {d.managerName ? (
                      <span dir="auto">{t("admin.manager_is", { name: d.managerName })}</span>
                    ) : (
                      <span className="warn">{t("admin.no_manager")}</span>
                    )}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card">
        <h2>{t("admin.district_create")}</h2>
        {reply?.done === "created" ? <Notice tone="success">{t("admin.district_created", reply.params)}</Notice> : null}
        <Form method="post" {...getFormProps(form)} className="form">
          <FormErrors errors={form.errors} />
          <TextField field={fields.number} label={t("admin.district_number")} ltr inputProps={{ inputMode: "numeric", maxLength: 4 }} />
          <TextField field={fields.name} label={t("admin.district_name")} hint={t("admin.district_name_hint")} />
          <TextAreaField field={fields.description} label={t("admin.description")} />
          <button type="submit" className="button" disabled={busy}>
            {t("admin.district_create_submit")}
          </button>
        </Form>
      </section>
    </div>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
