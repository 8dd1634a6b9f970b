import { z } from "zod";
import { intent, runIntent } from "~/server/intent.server";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CouncilMeetingsCard } from "~/components/council-meetings-card";
import { councilMeetingsCard } from "~/domain/meetings/council-card.server";
import { HistoryList, publicEntry } from "~/components/council-history";
import { Notice } from "~/components/form-field";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { tehranToday, termState } from "~/domain/charter";
import { councilHistory, councilOfNeighborhood, followState, getCouncilPublic, getNeighborhood, setFollow } from "~/domain/councils.server";
import { SERVER_EVENTS } from "~/realtime/events";
import { useRoom } from "~/realtime/socket-provider";
import { boundaryPath, type Boundary } from "~/utils/geojson";
import { invariantFound, isUuid } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";
import { formatDate } from "~/utils/persian";
import { getUser, requireUser } from "~/server/session.server";

const OUTLINE = { width: 320, height: 220 };
const RECENT = 5;
const DONE = ["followed", "unfollowed"] as const;

async function loadNeighborhood(context: LoaderFunctionArgs["context"], id: string | undefined) {
  return invariantFound(isUuid(id) ? await getNeighborhood(context.db, id) : null);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const hood = await loadNeighborhood(context, params.neighborhoodId);
  const [user, t, council] = await Promise.all([getUser(request, context), getT(request), councilOfNeighborhood(context.db, hood.id)]);
  const [follow, pub, history, meetingsCard] = await Promise.all([
    followState(context.db, hood.id, user?.id ?? null),
    council ? getCouncilPublic(context.db, council.id) : null,
    council ? councilHistory(context.db, council.id, RECENT) : [],
    council ? councilMeetingsCard(context.db, council) : null,
  ]);
  return {
    title: t("neighborhood.title", { name: hood.name, district: hood.districtName }),
    neighborhood: {
      id: hood.id,
      name: hood.name,
      description: hood.description,
      districtId: hood.districtId,
      districtName: hood.districtName,
    },
    // Drawn on the server: the page carries a short path, not the whole GeoJSON.
    outline: hood.boundary ? boundaryPath(hood.boundary as Boundary, OUTLINE.width, OUTLINE.height) : null,
    follow: { ...follow, signedIn: Boolean(user) },
    council: pub
      ? {
          id: pub.council.id,
          status: pub.council.status,
          termNumber: pub.council.termNumber,
          termStart: pub.council.termStart,
          termEnd: pub.council.termEnd,
          termState: termState(pub.council, tehranToday()),
          chair: pub.active.find((s) => s.role === "chair")?.name ?? null,
          secretary: pub.active.find((s) => s.role === "secretary")?.name ?? null,
          memberCount: pub.active.length,
        }
      : null,
    history: history.map(publicEntry),
    meetingsCard,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const hood = await loadNeighborhood(context, params.neighborhoodId);
  const user = await requireUser(request, context);
  const follow = (on: boolean) =>
    intent({
      schema: z.object({}),
      run: async () => {
        await setFollow(context.db, user.id, hood.id, on);
        return redirect(`/neighborhoods/${hood.id}?done=${on ? "followed" : "unfollowed"}`);
      },
    });
  return runIntent(await request.formData(), { follow: follow(true), unfollow: follow(false) });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function NeighborhoodPage() {
  const { neighborhood, outline, follow, council, history, meetingsCard } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const revalidator = useRevalidator();
  const busy = useNavigation().state === "submitting";
  const [searchParams] = useSearchParams();
  useRoom(council ? `council:${council.id}` : null, { [SERVER_EVENTS.councilChanged]: () => revalidator.revalidate() });
  const done = DONE.find((d) => d === searchParams.get("done"));
  const day = (iso: string) => formatDate(`${iso}T12:00:00Z`, i18n.language);
  const here = `/neighborhoods/${neighborhood.id}`;

  return (
    <main className="page hood-page">
      <Breadcrumbs
        trail={[
          { to: "/", label: t("nav.home") },
          { to: `/districts/${neighborhood.districtId}`, label: neighborhood.districtName, dir: "auto" },
          { label: neighborhood.name, dir: "auto" },
        ]}
      />

      <header className={`hood-intro${outline ? " hood-intro--with-outline" : ""}`}>
        <div className="stack">
          <h1 dir="auto">{neighborhood.name}</h1>
          {neighborhood.description ? (
            <p className="prose" dir="auto">
              {neighborhood.description}
            </p>
          ) : null}
          <div className="follow-bar">
            <span className="muted">{t("neighborhood.followers", { count: follow.followers })}</span>
            {follow.signedIn ? (
              <Form method="post" className="follow-bar__form" noValidate>
                {follow.following ? <span className="small">{t("neighborhood.following")}</span> : null}
                <button
                  type="submit"
                  name="intent"
                  value={follow.following ? "unfollow" : "follow"}
                  className={`button button--small${follow.following ? " button--ghost" : ""}`}
                  disabled={busy}
                >
                  {follow.following ? t("neighborhood.unfollow") : t("neighborhood.follow")}
                </button>
              </Form>
            ) : (
              <Link to={`/login?redirectTo=${encodeURIComponent(here)}`}>{t("neighborhood.sign_in_to_follow")}</Link>
            )}
          </div>
          {done ? <Notice tone="success">{t(`neighborhood.done.${done}`)}</Notice> : null}
        </div>
        {outline ? (
          <figure className="card hood-outline">
            <svg
              viewBox={`0 0 ${OUTLINE.width} ${OUTLINE.height}`}
              role="img"
              aria-label={t("neighborhood.outline_label", { name: neighborhood.name })}
            >
              <path d={outline} fillRule="evenodd" />
            </svg>
            <figcaption className="muted small">{t("neighborhood.outline_caption")}</figcaption>
          </figure>
        ) : null}
      </header>

      <div className="columns">
        <section className="card stack" aria-labelledby="council-title">
          <div className="council-section__head">
            <h2 id="council-title">{t("council.heading")}</h2>
            {council ? (
              <span className={`chip status-chip status-chip--${council.status}`}>{t(`council.status.${council.status}`)}</span>
            ) : null}
          </div>
          {council ? (
            <>
              <p className="small">
                {t("council.term_summary", { number: council.termNumber, start: day(council.termStart), end: day(council.termEnd) })}
                {council.termState !== "current" ? <span className="chip">{t(`council.term_state.${council.termState}`)}</span> : null}
              </p>
              <dl className="council-officers">
                <div>
                  <dt>{t("council.roles.chair")}</dt>
                  <dd dir="auto">{council.chair ?? <span className="muted">{t("council.officer_vacant")}</span>}</dd>
                </div>
                <div>
                  <dt>{t("council.roles.secretary")}</dt>
                  <dd dir="auto">{council.secretary ?? <span className="muted">{t("council.officer_vacant")}</span>}</dd>
                </div>
              </dl>
              <p className="muted small">{t("council.member_count", { count: council.memberCount })}</p>
              <p>
                <Link to={`/councils/${council.id}`} className="button">
                  {t("council.view_council")}
                </Link>
              </p>
            </>
          ) : (
            <p className="empty">{t("neighborhood.council_empty")}</p>
          )}
        </section>

        {meetingsCard ? <CouncilMeetingsCard {...meetingsCard} /> : null}
        {council ? (
          <section className="card stack" aria-labelledby="activity-title">
            <h2 id="activity-title">{t("neighborhood.activity_title")}</h2>
            <HistoryList entries={history} />
            <p>
              <Link to={`/councils/${council.id}#history`}>{t("neighborhood.all_history")}</Link>
              {t("history.separator")}
              <Link to={`/proposals?neighborhood=${neighborhood.id}`}>{t("proposal.neighborhood_proposals")}</Link>
            </p>
          </section>
        ) : null}
      </div>
    </main>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
