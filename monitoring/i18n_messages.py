"""The dashboard's messages: key -> {"it": ..., "en": ...}. Placeholders use str.format names."""

from __future__ import annotations

M = dict[str, dict[str, str]]


def _pairs(**entries: tuple[str, str]) -> M:
    """keyword = (italian, english); dots in keys are written as '__'."""
    return {k.replace("__", "."): {"it": it, "en": en} for k, (it, en) in entries.items()}


MESSAGES: M = _pairs(
    # navigation
    page__overview=("Panoramica", "Overview"),
    page__teams=("Team", "Teams"),
    page__channels=("Canali", "Channels"),
    page__weekly_review=("Revisione settimanale", "Weekly review"),
    page__mentions=("Menzioni", "Mentions"),
    page__policy=("Policy", "Policy"),
    # app shell
    banner__demo=(
        "Dati dimostrativi / Demo data — un'azienda immaginaria (Lumina Energia) e un anno di "
        "menzioni generate. Importa le tue fonti per vedere dati reali.",
        "Dati dimostrativi / Demo data — a fictional company (Lumina Energia) and a year of "
        "generated mentions. Ingest your own sources to see real data.",
    ),
    first_run__building=(
        "Primo avvio: costruisco i dati dimostrativi (un anno di menzioni) e li analizzo…",
        "First run: building the demo data (a year of mentions) and scoring it…",
    ),
    first_run__failed=(
        "Impossibile preparare i dati dimostrativi: {reason}",
        "Could not build the demo data: {reason}",
    ),
    error__busy=(
        "Il database è occupato da un'altra operazione (ingest o score in corso). Riprova tra "
        "qualche secondo con «Aggiorna dati».",
        "The database is busy with another job (a running ingest or score). Try again in a few "
        "seconds with “Refresh data”.",
    ),
    error__access=("Accesso negato: {reason}", "Access denied: {reason}"),
    page__audit=("Audit", "Audit"),
    auth__sign_in_first=("Accedi per continuare.", "Sign in to continue."),
    auth__denied_page=(
        "{user} (ruolo {role}) non può aprire questa pagina.",
        "{user} (role {role}) may not open this page.",
    ),
    auth__network_needs_sign_in=(
        "Questa dashboard è raggiungibile dalla rete ma non ha accessi configurati. Crea un "
        "account con «python -m monitoring user add NOME --role admin» o configura OpenID "
        "Connect, oppure avviala su 127.0.0.1.",
        "This dashboard is reachable from the network but has no sign-in configured. Create an "
        "account with “python -m monitoring user add NAME --role admin” or configure OpenID "
        "Connect, or run it on 127.0.0.1.",
    ),
    auth__oidc_not_mapped=(
        "{email} non ha un ruolo in data/users.yaml: chiedi a un amministratore.",
        "{email} has no role in data/users.yaml: ask an administrator.",
    ),
    auth__sign_in_oidc=("Accedi con il tuo account aziendale", "Sign in with your company account"),
    auth__sign_in=("Accedi", "Sign in"),
    auth__sign_out=("Esci", "Sign out"),
    auth__user=("Utente", "User"),
    auth__password=("Password", "Password"),
    auth__wrong_credentials=("Utente o password errati.", "Wrong user name or password."),
    auth__single_user=(
        "Modalità locale a utente singolo (solo 127.0.0.1).",
        "Single-user local mode (127.0.0.1 only).",
    ),
    auth__signed_in_as=("Connesso come {user} ({role})", "Signed in as {user} ({role})"),
    role__viewer=("lettore", "viewer"),
    role__manager=("manager", "manager"),
    role__analyst=("analista", "analyst"),
    role__admin=("amministratore", "admin"),
    audit__log=("Registro delle attività", "Activity log"),
    audit__reviews=("Registro delle decisioni", "Review decisions"),
    audit__config=("Configurazione in uso", "Configuration in use"),
    audit__config_help=(
        "I file di configurazione letti dalla dashboard. Si modificano sul server; ogni modifica "
        "viene registrata nel registro delle attività al successivo «init».",
        "The configuration files the dashboard reads. They are edited on the server; each change "
        "is recorded in the activity log at the next “init”.",
    ),
    audit__empty=("Nessuna attività registrata.", "No activity recorded yet."),
    filter__period=("Periodo", "Period"),
    filter__period_incomplete=(
        "Scegli anche la data finale: i dati mostrano ancora il periodo precedente.",
        "Pick the end date too: the pages still show the previous period.",
    ),
    filter__period_inverted=(
        "La data iniziale era dopo quella finale: le ho scambiate.",
        "The start date was after the end date: swapped them.",
    ),
    filter__teams=("Team", "Teams"),
    filter__teams_help=(
        "Post dello staff: quelli dei team scelti. Menzioni: quelle a cui i team hanno risposto "
        "o arrivate sui canali assegnati ai team (la loro casella).",
        "Staff posts: those of the chosen teams. Mentions: those the teams answered or that "
        "arrived on channels assigned to them (their inbox).",
    ),
    filter__channels=("Canali", "Channels"),
    filter__platforms=("Piattaforme", "Platforms"),
    filter__all=("Tutti", "All"),
    csv__excel_it=("CSV per Excel italiano", "CSV for Italian Excel"),
    csv__excel_it_help=(
        "Separatore «;», virgola decimale e BOM UTF-8: si apre correttamente con doppio clic "
        "in Excel con impostazioni italiane.",
        "“;” separator, decimal comma and UTF-8 BOM: opens correctly by double-click in Excel "
        "with Italian regional settings.",
    ),
    csv__download=("Scarica CSV", "Download CSV"),
    csv__download_all=("Scarica CSV ({count} righe)", "Download CSV ({count} rows)"),
    language=("Lingua / Language", "Lingua / Language"),
    language__it=("Italiano", "Italiano"),
    language__en=("English", "English"),
    language__env_help=(
        "Fissata da SENTINELLA_LANG per questa installazione.",
        "Fixed by SENTINELLA_LANG for this deployment.",
    ),
    refresh=("Aggiorna dati", "Refresh data"),
    refresh_help=(
        "Rilegge il database (i dati restano in cache per due minuti).",
        "Re-read the database (results are cached for two minutes).",
    ),
    empty__slice=(
        "Nessun dato per questi filtri. Allarga il periodo o togli qualche filtro; se il "
        "database è vuoto, esegui prima l'ingestione (python -m monitoring ingest).",
        "No data for these filters. Widen the period or remove a filter; if the database is "
        "empty, run ingestion first (python -m monitoring ingest).",
    ),
    empty__table=("Niente da mostrare.", "Nothing to show."),
    link__open=("apri", "open"),
    link__open_post=("Apri il post", "Open the post"),
    yes=("sì", "yes"),
    no=("no", "no"),
    unit__days_short=("g", "d"),
    # vocabularies
    sentiment__negative=("Negativo", "Negative"),
    sentiment__neutral=("Neutro", "Neutral"),
    sentiment__positive=("Positivo", "Positive"),
    sentiment__unscored=("Non valutato", "Unscored"),
    governance__centralized=("Centralizzato", "Centralized"),
    governance__decentralized=("Decentralizzato", "Decentralized"),
    status__green=("in linea", "on target"),
    status__amber=("attenzione", "watch"),
    status__red=("fuori obiettivo", "off target"),
    severity__high=("alta", "high"),
    severity__medium=("media", "medium"),
    severity__low=("bassa", "low"),
    decision__confirmed=("confermato", "confirmed"),
    decision__dismissed=("archiviato (falso positivo)", "dismissed (false positive)"),
    decision__escalated=("inoltrato", "escalated"),
    # KPIs and health
    kpi__brand_health=("Salute del brand", "Brand health"),
    kpi__mentions=("Menzioni", "Mentions"),
    kpi__negative_share=("Quota negative", "Negative share"),
    kpi__answered_share=("Menzioni con risposta", "Mentions answered"),
    kpi__median_response=("Tempo mediano di risposta", "Median response time"),
    kpi__flagged_posts=("Post segnalati", "Flagged posts"),
    kpi__flagged_help=(
        "Post dello staff segnalati come rischiosi: {share} dei post del periodo.",
        "Staff posts flagged as risky: {share} of the period's posts.",
    ),
    health__how=("Come si calcola?", "How is it computed?"),
    health__definition=(
        "Salute del brand (0–100) = 100 × media pesata di quattro quote (1 = meglio). Una "
        "componente senza dati è esclusa e i pesi delle altre sono riproporzionati.",
        "Brand health (0–100) = 100 × weighted mean of four shares (1 = best). A component "
        "without data is left out and the other weights rescaled.",
    ),
    health__sentiment=("Sentiment", "Sentiment"),
    health__sentiment_definition=(
        "(1 + sentiment netto) / 2; netto = (positive − negative) / menzioni valutate",
        "(1 + net sentiment) / 2; net = (positive − negative) / scored mentions",
    ),
    health__care=("Cura", "Care"),
    health__care_definition=(
        "menzioni negative con una risposta dello staff / menzioni negative",
        "negative mentions with a staff answer / negative mentions",
    ),
    health__timeliness=("Tempestività", "Timeliness"),
    health__timeliness_definition=(
        "risposte entro l'obiettivo di tempo del team che risponde / risposte",
        "answers within the answering team's time target / answers",
    ),
    health__compliance=("Conformità", "Compliance"),
    health__compliance_definition=(
        "1 − min(1, quota di post dello staff segnalati / 10%)",
        "1 − min(1, flagged share of staff posts / 10%)",
    ),
    health__team_how=("Come si valuta un team?", "How is a team rated?"),
    health__team_definition=(
        "Ogni indicatore è confrontato con l'obiettivo del team in org.yaml: verde se "
        "rispettato, giallo se lo manca al massimo del margine indicato, rosso oltre. Salute = "
        "100 × media dei punteggi (obiettivo/valore per i limiti massimi, valore/obiettivo per "
        "i minimi, al massimo 1); stato = il peggiore.",
        "Each figure is compared with the team's target in org.yaml: green when met, amber "
        "when missed by at most the margin shown, red beyond. Health = 100 × mean score "
        "(target/value for upper limits, value/target for lower ones, capped at 1); status = "
        "the worst.",
    ),
    # overview
    overview__crisis=("Allarmi di crisi", "Crisis alerts"),
    overview__crisis_rule=(
        "Un picco è una finestra di 24 ore con molte più menzioni negative della media dei 7 "
        "giorni precedenti (media + 3σ, almeno il triplo, almeno 20 menzioni).",
        "A spike is a 24-hour window with far more negative mentions than the previous 7 "
        "days' mean (mean + 3σ, at least triple, at least 20 mentions).",
    ),
    overview__no_crisis=(
        "Nessun picco di menzioni negative nel periodo.",
        "No spike of negative mentions in the period.",
    ),
    overview__spike=(
        "Picco {severity}: {start} – {end}: {negatives} menzioni negative in 24 h "
        "(media {baseline}, soglia {threshold}).",
        "{severity} spike: {start} – {end}: {negatives} negative mentions in 24 h "
        "(baseline {baseline}, threshold {threshold}).",
    ),
    overview__show_mentions=("Vedi le menzioni", "Show mentions"),
    overview__failed_alerts=(
        "{count} avvisi non consegnati al webhook: verranno ritentati al prossimo giro.",
        "{count} alerts could not be delivered to the webhook; they are retried on the next run.",
    ),
    overview__unanswered_help=(
        "Gli articoli di stampa non sono inclusi: non si risponde in un thread.",
        "Press articles are left out: they are not answered in a thread.",
    ),
    overview__unanswered=(
        "Menzioni negative senza risposta, per copertura",
        "Unanswered negative mentions, by reach",
    ),
    overview__no_unanswered=(
        "Nessuna menzione negativa senza risposta.",
        "No unanswered negative mention.",
    ),
    overview__volume_table=("Volumi del periodo", "Volumes in the period"),
    chart__sentiment_volume=("Menzioni per sentiment", "Mentions by sentiment"),
    chart__health_trend=("Salute del brand nel tempo", "Brand health over time"),
    chart__share_of_voice=("Share of voice", "Share of voice"),
    chart__speed_vs_risk=("Velocità contro rischio, per team", "Speed against risk, per team"),
    chart__group_average=("media {mode}", "{mode} average"),
    chart__median_response_minutes_log=(
        "Tempo mediano di risposta (minuti, scala log)",
        "Median response time (minutes, log scale)",
    ),
    chart__team_volume=("Post dello staff per team", "Staff posts per team"),
    chart__channel_volume=("Menzioni per canale", "Mentions per channel"),
    chart__coverage=(
        "Chi copre cosa: post dello staff per canale e team",
        "Who covers what: staff posts per channel and team",
    ),
    chart__rule_volume=("Violazioni per categoria", "Policy hits per category"),
    # teams
    teams__inbox_help=(
        "Casella di un team = le menzioni sui canali assegnati al team. Tasso di risposta = "
        "quota della casella che ha ricevuto una risposta dallo staff; tempi = quelli delle "
        "risposte date dal team.",
        "A team's inbox = the mentions on the channels assigned to it. Response rate = share of "
        "the inbox that got a staff answer; times = those of the answers the team gave.",
    ),
    teams__tradeoff_help=(
        "I team decentralizzati rispondono più in fretta ma rischiano di più? Ogni punto è un "
        "team; i rombi sono le medie per modello di governance.",
        "Do decentralized teams answer faster but take more risk? Each dot is a team; the "
        "diamonds are the averages per governance mode.",
    ),
    teams__drilldown=("Dettaglio team", "Team drill-down"),
    teams__pick=("Team", "Team"),
    teams__channels=("Canali", "Channels"),
    teams__members=("Persone", "Members"),
    teams__flagged_posts=("Post segnalati", "Flagged posts"),
    teams__no_flagged=("Nessun post segnalato.", "No flagged post."),
    teams__unassigned=(
        "{count} canali con post del team ma non assegnati al team in org.yaml.",
        "{count} channels with the team's posts but not assigned to it in org.yaml.",
    ),
    # channels
    channels__gaps=("Buchi di copertura", "Coverage gaps"),
    channels__no_gaps=(
        "Ogni canale con menzioni ha avuto almeno una risposta.",
        "Every channel with mentions got at least one answer.",
    ),
    channels__gaps_found=(
        "{count} canali con menzioni a cui nessun team risponde.",
        "{count} channels with mentions that no team answers.",
    ),
    channels__coverage=("Canali × team", "Channels × teams"),
    channels__coverage_help=(
        "Post dello staff (post originali e risposte) per canale e team nel periodo.",
        "Staff posts (original posts and replies) per channel and team in the period.",
    ),
    # weekly review
    review__week=("Settimana ISO", "ISO week"),
    review__week_help=(
        "Predefinita: l'ultima settimana completa. Il periodo della barra laterale non si "
        "applica qui; team, canali e piattaforme sì.",
        "Default: the last complete week. The sidebar period does not apply here; teams, "
        "channels and platforms do.",
    ),
    review__empty=(
        "Nessun post segnalato nella settimana {week}.",
        "No flagged post in week {week}.",
    ),
    review__report_html=("Report settimanale (HTML)", "Weekly report (HTML)"),
    review__report_pdf=("Report settimanale (PDF)", "Weekly report (PDF)"),
    review__progress=("{reviewed} di {total} revisionati", "{reviewed} of {total} reviewed"),
    review__post=(
        "Post da revisionare (rischio · autore · testo)",
        "Post to review (risk · author · text)",
    ),
    review__no_hits=(
        "Nessuna regola colpita (segnalato per il rischio complessivo).",
        "No rule hit (flagged for its overall risk).",
    ),
    review__why=("Perché questo rischio?", "Why this risk?"),
    review__no_explanation=("Nessuna spiegazione registrata.", "No explanation recorded."),
    review__current=(
        "Decisione in vigore: {decision} ({reviewer}, {when}). Una nuova decisione la sostituisce; "
        "lo storico resta.",
        "Decision in force: {decision} ({reviewer}, {when}). A new decision replaces it; the "
        "history stays.",
    ),
    review__note=("Nota (facoltativa)", "Note (optional)"),
    review__action__confirmed=("Conferma violazione", "Confirm violation"),
    review__action__dismissed=("Archivia (falso positivo)", "Dismiss (false positive)"),
    review__action__escalated=("Inoltra", "Escalate"),
    review__stored=("Decisione registrata: {decision}.", "Decision stored: {decision}."),
    review__not_stored=("Decisione NON registrata: {reason}", "Decision NOT stored: {reason}"),
    review__queue=("Coda della settimana", "The week's queue"),
    # mentions
    mentions__window=(
        "Solo le menzioni tra {start} e {end} (dall'allarme di crisi).",
        "Only mentions between {start} and {end} (from the crisis alert).",
    ),
    mentions__clear_window=("Togli la finestra", "Clear the window"),
    mentions__search=("Cerca nel testo", "Search the text"),
    mentions__search_help=(
        "Contiene queste parole (maiuscole indifferenti).",
        "Contains these words (case-insensitive).",
    ),
    mentions__answered=("Risposta", "Answered"),
    mentions__answered__all=("tutte", "all"),
    mentions__answered__answered=("con risposta", "answered"),
    mentions__answered__unanswered=("senza risposta", "unanswered"),
    mentions__compound_range=("Sentiment (compound)", "Sentiment (compound)"),
    mentions__none=("Nessuna menzione corrisponde.", "No mention matches."),
    mentions__page=("Pagina", "Page"),
    mentions__found=(
        "{total} menzioni · pagina {page} di {pages}",
        "{total} mentions · page {page} of {pages}",
    ),
    mentions__export_limit=(
        "Il download si ferma a {limit} righe: per tutto usa "
        "python -m monitoring export mentions --out FILE.",
        "The download stops at {limit} rows: for everything use "
        "python -m monitoring export mentions --out FILE.",
    ),
    # policy
    policy__precision_help=(
        "Precisione = confermati / (confermati + archiviati) sui post colpiti dalla regola e "
        "già revisionati: una regola con precisione bassa è rumorosa.",
        "Precision = confirmed / (confirmed + dismissed) over the reviewed posts the rule hit: "
        "a rule with low precision is noisy.",
    ),
    policy__risk_how=("Come si calcola il rischio?", "How is risk computed?"),
    policy__try=("Prova un post", "Try a post"),
    policy__text=("Testo del post", "Post text"),
    policy__is_reply=("Risposta a un utente", "Reply to the public"),
    policy__check=("Verifica", "Check"),
    policy__empty_text=("Scrivi o incolla il testo di un post.", "Write or paste a post's text."),
    policy__flagged=("Segnalato", "Flagged"),
    policy__topics=("Temi: {topics}", "Topics: {topics}"),
    policy__no_hits=("Nessuna regola colpita.", "No rule hit."),
)

_COLUMNS: dict[str, tuple[str, str]] = {
    "amber": ("margine giallo", "amber margin"),
    "answered": ("con risposta", "answered"),
    "answered_by": ("risposto da", "answered by"),
    "answered_in_target": ("risposte in tempo", "answered in time"),
    "answers": ("risposte date", "answers given"),
    "assigned": ("assegnato", "assigned"),
    "author": ("autore", "author"),
    "bucket": ("periodo", "period"),
    "category": ("categoria", "category"),
    "channel": ("canale", "channel"),
    "component": ("componente", "component"),
    "compound": ("sentiment", "sentiment"),
    "confirmed": ("confermati", "confirmed"),
    "created_at": ("data", "date"),
    "decided_at": ("deciso il", "decided at"),
    "logged_at": ("quando", "when"),
    "actor": ("chi", "who"),
    "action": ("azione", "action"),
    "detail": ("dettagli", "details"),
    "reviewer": ("revisore", "reviewer"),
    "note": ("nota", "note"),
    "native_id": ("id sulla piattaforma", "platform id"),
    "decision": ("decisione", "decision"),
    "definition": ("definizione", "definition"),
    "description": ("descrizione", "description"),
    "dismissed": ("archiviati", "dismissed"),
    "escalated": ("inoltrati", "escalated"),
    "evidence": ("evidenza", "evidence"),
    "flagged": ("segnalati", "flagged"),
    "flagged_share": ("quota segnalati", "flagged share"),
    "governance": ("governance", "governance"),
    "health": ("salute", "health"),
    "hits": ("violazioni", "hits"),
    "inbox_mentions": ("menzioni in casella", "inbox mentions"),
    "iso_week": ("settimana", "week"),
    "label": ("sentiment", "sentiment"),
    "lang": ("lingua", "language"),
    "mean_risk": ("rischio medio", "mean risk"),
    "mean_sentiment": ("sentiment medio", "mean sentiment"),
    "median_minutes": ("minuti (mediana)", "median minutes"),
    "member_id": ("persona", "member"),
    "member": ("persona (pseudonimo)", "member (pseudonym)"),
    "mentions": ("menzioni", "mentions"),
    "metric": ("indicatore", "figure"),
    "name": ("nome", "name"),
    "negative": ("negative", "negative"),
    "negative_answered": ("negative con risposta", "negative answered"),
    "negative_replies": ("risposte negative ricevute", "negative replies received"),
    "negative_share": ("quota negative", "negative share"),
    "neutral": ("neutre", "neutral"),
    "p90_minutes": ("minuti (90° perc.)", "p90 minutes"),
    "platform": ("piattaforma", "platform"),
    "positive": ("positive", "positive"),
    "post_sentiment": ("sentiment dei post", "post sentiment"),
    "posts": ("post colpiti", "posts hit"),
    "precision": ("precisione", "precision"),
    "reach": ("copertura", "reach"),
    "replies": ("risposte", "replies"),
    "response_minutes": ("minuti alla risposta", "minutes to answer"),
    "response_rate": ("tasso di risposta", "response rate"),
    "risk": ("rischio", "risk"),
    "role": ("ruolo", "role"),
    "rule_id": ("regola", "rule"),
    "severity": ("gravità", "severity"),
    "staff_posts": ("post dello staff", "staff posts"),
    "status": ("stato", "status"),
    "target": ("obiettivo", "target"),
    "target_flagged_share": ("obiettivo quota segnalati", "target flagged share"),
    "target_minutes": ("obiettivo minuti", "target minutes"),
    "target_negative_share": ("obiettivo quota negative", "target negative share"),
    "target_response_rate": ("obiettivo tasso di risposta", "target response rate"),
    "team": ("team", "team"),
    "text": ("testo", "text"),
    "unscored": ("non valutate", "unscored"),
    "url": ("link", "link"),
    "value": ("valore", "value"),
    "weight": ("peso", "weight"),
}
MESSAGES.update({f"col.{k}": {"it": it, "en": en} for k, (it, en) in _COLUMNS.items()})
