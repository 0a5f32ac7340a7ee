"""The parts the demo texts are composed from (mostly Italian, some English).

A text is a sequence of parts, each picked per row by index arithmetic (see ``compose``): e.g. a
mention is addressee + opener + core sentence + detail sentence + closing + emoji + hashtag.
Core and detail sentences carry at most one ``{slot}`` (a city, an amount, an order number...)
filled per row, so the same sentence rarely reads the same twice. Slang and typos are applied
afterwards to a share of the rows (``SLANG``).
"""

from __future__ import annotations

TOPICS = (
    "billing",
    "outages",
    "offers",
    "digital",
    "stores",
    "sustainability",
    "careers",
    "competitors",
    "corporate",
    "crisis_outage",  # the crisis week's own voice; routed like outages/billing
    "crisis_billing",
)
SENTIMENTS = ("negative", "neutral", "positive")
LANGS = ("it", "en")

# --- slot values ------------------------------------------------------------------------------
CITIES = (
    "Milano", "Roma", "Napoli", "Torino", "Bologna", "Firenze", "Bari", "Palermo", "Genova",
    "Verona", "Padova", "Brescia", "Bergamo", "Monza", "Catania", "Cagliari", "Pescara", "Parma",
    "Modena", "Reggio Emilia", "Rimini", "Ancona", "Perugia", "Trieste", "Udine", "Trento",
    "Salerno", "Lecce", "Taranto", "Livorno", "Pisa", "Lucca", "Como", "Varese", "Novara",
    "Vicenza", "Treviso", "Ferrara", "Latina", "Sassari", "Cosenza", "Messina", "Foggia",
    "Sesto San Giovanni", "Cinisello Balsamo", "Pomezia", "Giugliano", "Casoria",
)  # fmt: skip
MONTHS_IT = (
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
    "settembre", "ottobre", "novembre", "dicembre",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
OFFERS = (
    "Lumina Luce Fissa", "Lumina Gas Flex", "Lumina Green 100", "Lumina Casa Smart",
    "Lumina Dual Fix", "Lumina Notte&Weekend", "Lumina Business Start", "Lumina Solare Plus",
)  # fmt: skip
STORES = (
    "Lumina Point di Milano Porta Romana", "Lumina Point di Napoli Vomero",
    "Lumina Point di Torino Crocetta", "Lumina Point di Roma Prati",
    "Lumina Point di Bologna centro", "Lumina Point di Bari Poggiofranco",
    "Lumina Point di Firenze Novoli", "Lumina Point di Verona Borgo Trento",
)  # fmt: skip
COMPETITORS = ("Voltaris", "Enerlux", "GreenWatt")
FEATURES_IT = (
    "l'accesso con SPID", "la lettura del contatore", "il pagamento con carta",
    "l'autolettura", "la domiciliazione", "il download delle bollette in PDF",
    "le notifiche push", "il grafico dei consumi", "il cambio IBAN", "la chat",
)  # fmt: skip
FEATURES_EN = (
    "the SPID login", "the meter reading", "card payments", "the self reading",
    "direct debit", "the bill PDF download", "push notifications", "the usage chart", "the chat",
)  # fmt: skip
JOBS_IT = (
    "tecnici di rete", "sviluppatori backend", "data analyst", "addetti ai Lumina Point",
    "operatori customer care", "ingegneri elettrici", "project manager", "stagisti marketing",
)  # fmt: skip
JOBS_EN = (
    "network technicians", "backend developers", "data analysts", "store associates",
    "customer care agents", "electrical engineers", "project managers", "marketing interns",
)  # fmt: skip
CODES = ("LUMINA20", "CASA15", "GREEN10", "SMART25", "ESTATE15", "INVERNO20", "WELCOME30")

# --- mentions ------------------------------------------------------------------------------------
# Addressee per platform: how people name the brand there.
ADDRESSEES = {
    "x": ["@LuminaCare ", "@LuminaCare ", "@luminaenergia ", "@LuminaCare @luminaenergia ", ""],
    "instagram": ["@luminaenergia ", "@luminaenergia ", "", "Lumina Energia "],
    "facebook": ["Lumina Energia ", "", "Lumina! ", "Gentile Lumina Energia. "],
    "linkedin": ["Lumina Energia ", "", "@Lumina Energia "],
    "tiktok": ["@lumina.energia ", "", "lumina "],
    "youtube": ["", "Lumina "],
    "mastodon": ["@lumina@mastodon.uno ", "", "#Lumina "],
    "bluesky": ["@lumina-energia.bsky.social ", "", "Lumina Energia "],
    "reddit": ["", "", "Qualcuno ha Lumina? "],
    "news": ["", "", "", "Energia, ", "Ultim'ora: ", "Consumatori, ", "Il caso: ", "Bollette, "],
}
ADDRESSEES_EN = {
    "reddit": ["", "Anyone with Lumina in Italy? "],
    "facebook": ["Lumina Energia ", "", "Dear Lumina. "],
    "news": ["", "", "Energy, ", "Breaking: "],
}

OPENERS = {
    ("it", "negative"): [
        "",
        "",
        "",
        "Assurdo. ",
        "Ennesima delusione. ",
        "Ma vi sembra normale? ",
        "Basta! ",
        "Vergognoso. ",
        "Non ci posso credere. ",
        "Ogni mese la stessa storia. ",
        "Ancora?! ",
        "Sono senza parole. ",
        "Ditemi voi. ",
        "Ma scherziamo? ",
        "Pazzesco. ",
    ],
    ("it", "neutral"): [
        "",
        "",
        "",
        "Buongiorno, ",
        "Salve, ",
        "Ciao, ",
        "Domanda veloce: ",
        "Info: ",
        "Scusate, ",
        "Una curiosità: ",
        "Buonasera, ",
        "Qualcuno sa dirmi? ",
    ],
    ("it", "positive"): [
        "",
        "",
        "",
        "Devo dirlo: ",
        "Finalmente! ",
        "Complimenti! ",
        "Bravi! ",
        "Per una volta una bella notizia: ",
        "Che sorpresa! ",
        "Lo ammetto: ",
    ],
    ("en", "negative"): [
        "",
        "",
        "Unbelievable. ",
        "Again?! ",
        "Seriously? ",
        "Terrible. ",
        "This is a joke. ",
        "Fed up. ",
    ],
    ("en", "neutral"): ["", "", "Hi, ", "Quick question: ", "Hello, ", "Hey, ", "FYI: "],
    ("en", "positive"): ["", "", "Have to say it: ", "Finally! ", "Kudos! ", "Nice one! "],
}

MENTION_CORES = {
    # billing
    ("billing", "negative", "it"): [
        "Mi è arrivata una bolletta da {amount} per un bilocale, com'è possibile?",
        "Bolletta di {amount} senza nessuna spiegazione, voglio parlare con qualcuno.",
        "Da {days} giorni aspetto il rimborso e nessuno mi risponde.",
        "Mi avete addebitato due volte la stessa fattura, pratica {order}.",
        "Conguaglio di {amount} a sorpresa, nessun preavviso. Vergogna.",
        "Ho pagato ma risulto ancora moroso, pratica {order} aperta da settimane.",
        "Letture stimate da mesi e ora una bolletta da {amount}. Assurdo.",
        "Il call center mi ha fatto aspettare {minutes} minuti per poi cadere la linea.",
        "La bolletta di {month} è sbagliata e nessuno se ne prende la responsabilità.",
        "Mi avete cambiato la tariffa senza avvisarmi, ora pago il {percent} in più.",
    ],
    ("billing", "neutral", "it"): [
        "Come posso rateizzare una bolletta da {amount}?",
        "Quando arriva la bolletta di {month}, che nell'area clienti non vedo ancora?",
        "Posso passare alla bolletta elettronica dall'app da {month}?",
        "Vorrei capire le voci della fattura di {month}, a chi devo scrivere?",
        "Ho inviato la richiesta di rimborso, pratica {order}: tempi previsti?",
        "Per la domiciliazione bancaria a {city} serve un modulo o basta l'app?",
    ],
    ("billing", "positive", "it"): [
        "Rimborso di {amount} arrivato in {days} giorni, chapeau.",
        "Bolletta di {month} più bassa del previsto, ottimo.",
        "Problema con la fattura di {month} risolto in una telefonata, grazie!",
        "Finalmente una bolletta di {month} chiara e leggibile, bravi.",
        "Rateizzazione di {amount} attivata in due minuti, servizio impeccabile.",
    ],
    ("billing", "negative", "en"): [
        "Got a {eur} bill for a tiny flat, how is that even possible?",
        "Double charged again, ticket {order} still open.",
        "Waiting {days} days for a refund and nobody answers.",
        "Estimated readings for months and now a {eur} adjustment. No warning.",
    ],
    ("billing", "neutral", "en"): [
        "How do I split a {eur} bill into installments?",
        "When is the {month_en} bill due, it's not in my account yet?",
        "Can I switch to paperless billing from the app in {month_en}?",
    ],
    ("billing", "positive", "en"): [
        "Refund of {eur} arrived in {days} days, great service.",
        "Billing issue on the {month_en} bill fixed in one call, thanks!",
        "Lower bill than expected this {month_en}, nice.",
    ],
    # outages
    ("outages", "negative", "it"): [
        "Siamo senza corrente a {city} da {hours} ore, nessuna comunicazione.",
        "Ennesimo blackout a {city}, il frigo è da buttare.",
        "Gas staccato a {city} e nessuno sa dirmi quando torna.",
        "Sbalzi di tensione continui a {city}, mi si è bruciata la caldaia.",
        "Il numero guasti suona a vuoto da {minutes} minuti.",
        "Quarto blackout questo mese a {city}, non è accettabile.",
        "Guasto segnalato da {days} giorni, pratica {order}, nessun tecnico.",
    ],
    ("outages", "neutral", "it"): [
        "C'è un guasto in corso a {city}, da noi manca la luce?",
        "Come si segnala un guasto al contatore a {city}?",
        "Sapete quando finiscono i lavori sulla rete a {city}?",
        "È previsto un distacco programmato a {city} per {month}?",
        "Abbiamo una persona con ossigenoterapia a {city}: a chi segnaliamo il blackout?",
    ],
    ("outages", "positive", "it"): [
        "Tecnici a {city} in un'ora dalla segnalazione, bravissimi.",
        "Luce tornata a {city} prima del previsto, grazie ragazzi.",
        "Guasto sistemato in {hours} ore nonostante il temporale, complimenti.",
        "Aggiornamenti puntuali durante il blackout di {city}, così si fa.",
    ],
    ("outages", "negative", "en"): [
        "No power in {city} for {hours} hours and zero updates.",
        "Another blackout in {city}, fridge ruined.",
        "Reported the fault {days} days ago, ticket {order}, no technician yet.",
    ],
    ("outages", "neutral", "en"): [
        "Is there an outage in {city}, lights off here?",
        "How do I report a meter fault in {city}?",
    ],
    ("outages", "positive", "en"): [
        "Technicians in {city} within an hour, impressive.",
        "Power back in {city} sooner than announced, thanks!",
    ],
    # offers
    ("offers", "negative", "it"): [
        "L'offerta {offer} era bloccata e invece il prezzo è salito del {percent}.",
        "Mi chiamano ogni giorno per la {offer}, basta telemarketing!",
        "Promessa di sconto del {percent} mai vista in bolletta.",
        "Attivata la {offer} e in bolletta trovo un'altra tariffa.",
        "Contratti porta a porta a {city} con venditori aggressivi, pessimo.",
    ],
    ("offers", "neutral", "it"): [
        "La {offer} vale anche per chi è già cliente da {n} anni?",
        "Che differenza c'è tra la {offer} e le altre tariffe?",
        "Fino a quando è attiva la promo di {month}?",
        "Quanto costa il kWh con la {offer}?",
        "Se passo alla {offer} a {month} pago penali?",
    ],
    ("offers", "positive", "it"): [
        "Passato alla {offer}: risparmio del {percent} rispetto a prima.",
        "La {offer} è davvero conveniente, consigliata.",
        "Prezzo bloccato rispettato per {days} mesi, niente sorprese.",
        "Attivazione della {offer} facilissima, tutto online.",
    ],
    ("offers", "negative", "en"): [
        "The {offer} price went up {percent} despite being fixed.",
        "Daily sales calls about {offer}, stop it!",
    ],
    ("offers", "neutral", "en"): [
        "Is {offer} available for customers in {city}?",
        "What's the kWh price on {offer} from {month_en}?",
    ],
    ("offers", "positive", "en"): [
        "Switched to {offer}, saving {percent} so far.",
        "{offer} is a genuinely good deal.",
    ],
    # digital / app
    ("digital", "negative", "it"): [
        "L'app non funziona da {days} giorni, {feature} va sempre in errore.",
        "Aggiornata l'app e adesso {feature} non funziona più.",
        "Sito in manutenzione proprio il {date}, giorno della scadenza, ovviamente.",
        "Impossibile fare l'autolettura, l'app crasha da {days} giorni a ogni tentativo.",
        "Password resettata {n} volte e l'app non mi fa entrare.",
    ],
    ("digital", "neutral", "it"): [
        "Dove trovo {feature} nella nuova app?",
        "Non trovo più {feature} nell'app, c'è ancora?",
        "Ci sono problemi con l'area clienti oggi, verso le {time}?",
        "Come si attiva {feature} dall'app?",
    ],
    ("digital", "positive", "it"): [
        "La nuova app è comodissima, {feature} finalmente funziona.",
        "Con l'app ho sistemato {feature} in due minuti, ottimo lavoro.",
        "Chat dell'app velocissima, pratica {order} risolta subito.",
    ],
    ("digital", "negative", "en"): [
        "The app has been broken for {days} days, {feature} keeps failing.",
        "Updated the app and now {feature} doesn't work.",
    ],
    ("digital", "neutral", "en"): [
        "Where is {feature} in the new app?",
        "Is the website down today around {time}?",
    ],
    ("digital", "positive", "en"): [
        "The new app is great, {feature} finally works since {month_en}.",
        "Sorted {feature} in the app in {n} minutes.",
    ],
    # stores
    ("stores", "negative", "it"): [
        "Al {store} un'ora di fila e poi mi dicono di chiamare il numero verde.",
        "Chiuso il {store} senza preavviso, sono venuto per niente.",
        "Personale del {store} scortese e poco preparato.",
        "Al {store} nessuno sapeva rispondermi sulla pratica {order}.",
    ],
    ("stores", "neutral", "it"): [
        "Che orari fa il {store} il sabato?",
        "Serve prenotare per andare al {store}?",
        "C'è un Lumina Point a {city}?",
        "Al {store} si può pagare la bolletta?",
    ],
    ("stores", "positive", "it"): [
        "Al {store} mi hanno risolto tutto in {n} minuti, gentilissimi.",
        "Bellissima esperienza al {store} il {date}, personale preparato.",
        "Grazie al {store} per la pazienza con mia nonna di {age} anni.",
        "Al {store} finalmente qualcuno che spiega la pratica {order} chiaramente.",
    ],
    ("stores", "negative", "en"): ["Waited {minutes} minutes at the {store} for nothing."],
    ("stores", "neutral", "en"): ["Opening hours of the {store} on {date_en}?"],
    ("stores", "positive", "en"): [
        "Great help at the {store} with ticket {order}, very kind staff."
    ],
    # sustainability
    ("sustainability", "negative", "it"): [
        "L'energia verde al 100% della {offer} a {city} sembra più greenwashing che altro.",
        "Parlate di sostenibilità e poi mandate bollette cartacee da {n} pagine.",
        "I certificati verdi della {offer} di {month} chi li ha visti?",
    ],
    ("sustainability", "neutral", "it"): [
        "Da dove arriva l'energia della {offer}?",
        "Fate anche impianti fotovoltaici a {city}?",
        "Le comunità energetiche a {city} come funzionano?",
    ],
    ("sustainability", "positive", "it"): [
        "Bello il nuovo parco solare vicino a {city}, avanti così.",
        "Contenta di essere passata alla {offer}, energia rinnovabile davvero.",
        "Ottima l'iniziativa sulle comunità energetiche a {city}.",
    ],
    ("sustainability", "negative", "en"): [
        "{offer} as 100% green energy in {city} smells like greenwashing."
    ],
    ("sustainability", "neutral", "en"): ["Where does the {offer} energy in {city} come from?"],
    ("sustainability", "positive", "en"): ["Love the new solar park near {city}."],
    # careers
    ("careers", "negative", "it"): [
        "Colloquio a {city} e poi sparite senza una risposta.",
        "Stage non retribuito per {jobs}, ma siamo nel 2026?",
        "Candidatura inviata {days} giorni fa, nemmeno una mail di conferma.",
    ],
    ("careers", "neutral", "it"): [
        "State cercando {jobs} a {city}?",
        "Come si fa a candidarsi come {jobs}?",
        "Le selezioni per {jobs} sono ancora aperte?",
    ],
    ("careers", "positive", "it"): [
        "Primo giorno in Lumina come {jobs}, emozionato!",
        "Colloquio a {city} serio e ben organizzato, bella esperienza.",
        "Ambiente di lavoro top, consiglio a chi cerca come {jobs}.",
    ],
    ("careers", "negative", "en"): ["Interviewed in {city} and then ghosted."],
    ("careers", "neutral", "en"): ["Are you hiring {jobs_en} in {city}?"],
    ("careers", "positive", "en"): [
        "First day at Lumina in {city} as one of the {jobs_en}, excited!"
    ],
    # competitors
    ("competitors", "negative", "it"): [
        "Quasi quasi passo a {competitor}, almeno rispondono.",
        "Da {month} passo a {competitor}, almeno loro rispondono.",
        "Con {competitor} la bolletta di {month} sarebbe stata più bassa, lo so.",
        "Mio cugino a {city} con {competitor} paga la metà e io resto qui a farmi spennare?",
        "Disdetta fatta il {date}, vado con {competitor}.",
    ],
    ("competitors", "neutral", "it"): [
        "Meglio Lumina o {competitor} per una famiglia di quattro persone?",
        "Qualcuno ha confrontato le tariffe con {competitor}?",
        "Lumina e {competitor} hanno lo stesso distributore a {city}?",
    ],
    ("competitors", "positive", "it"): [
        "Tornato da {competitor} a Lumina a {month}, non me ne pento.",
        "Dopo {n} anni con {competitor}, Lumina è un altro mondo.",
        "Confrontato con {competitor} a {city}: Lumina vince su assistenza e prezzo.",
    ],
    ("competitors", "negative", "en"): [
        "Thinking of switching to {competitor} in {month_en}, at least they reply."
    ],
    ("competitors", "neutral", "en"): ["Lumina or {competitor} for a family of {n}?"],
    ("competitors", "positive", "en"): ["Left {competitor} for Lumina in {month_en}, no regrets."],
    # corporate
    ("corporate", "negative", "it"): [
        "Utili record e bollette alle stelle anche a {city}, complimenti a Lumina.",
        "Dividendi agli azionisti e assistenza a pezzi da {month}.",
        "Ennesimo rincaro annunciato per {month}, e i clienti pagano.",
    ],
    ("corporate", "neutral", "it"): [
        "Lumina presenta il piano industriale a {city} a {month}.",
        "Qualcuno ha letto l'intervista all'AD di Lumina sul piano per {city}?",
        "Lumina apre un nuovo centro operativo a {city}.",
    ],
    ("corporate", "positive", "it"): [
        "Bella l'iniziativa di Lumina per le famiglie in difficoltà di {city}.",
        "Lumina assume a {city}: una buona notizia per il territorio.",
        "Lumina sponsor della maratona di {city}, bravi!",
    ],
    ("corporate", "negative", "en"): [
        "Record profits and sky-high bills in {city}, well done Lumina.",
        "Another price rise announced for {month_en}, customers pay again.",
    ],
    ("corporate", "neutral", "en"): ["Lumina opens a new operations centre in {city}."],
    ("corporate", "positive", "en"): ["Nice move by Lumina for families in need in {city}."],
    # the crisis week: an outage plus wrong bills
    ("crisis_outage", "negative", "it"): [
        "Blackout a {city} da {hours} ore e il numero guasti non risponde.",
        "Di nuovo senza luce a {city}, quando intendete risolvere?",
        "Mezza {city} al buio e da Lumina nemmeno un comunicato.",
        "Senza corrente da ieri a {city}, ho perso tutto il congelatore.",
        "{hours} ore senza luce a {city} e l'app dice che è tutto regolare.",
        "Anziani al buio a {city} da {hours} ore, vergognatevi.",
        "Ascensore bloccato per il blackout a {city}, nessuno risponde.",
        "Terzo giorno di blackout a {city}. Terzo.",
    ],
    ("crisis_outage", "neutral", "it"): [
        "Qualcuno ha notizie sul blackout a {city}?",
        "Ci sono aggiornamenti sul guasto di {city}?",
    ],
    ("crisis_outage", "negative", "en"): [
        "Power cut in {city} for {hours} hours and the hotline is dead.",
        "Half of {city} in the dark and not a word from Lumina.",
    ],
    ("crisis_billing", "negative", "it"): [
        "Bolletta di {amount} per errore di sistema, e ora chi mi restituisce i soldi?",
        "Addebito doppio anche a me, {amount} prelevati due volte!",
        "Ci avete prelevato {amount} a tutti per un errore vostro, rimborsate subito.",
        "Conto in rosso per il vostro doppio addebito di {amount}.",
        "Bollette sbagliate da {city} in giù e il servizio clienti tace.",
        "Fattura di {amount} con consumi inventati, pratica {order}.",
    ],
    ("crisis_billing", "neutral", "it"): [
        "Come si chiede il rimborso del doppio addebito di {amount}?",
    ],
    ("crisis_billing", "negative", "en"): [
        "Double charged {eur} because of your system error, refund now.",
        "Wrong bills from {city} to the south and customer care is silent.",
    ],
}

DETAILS = {  # the mention's context, by tone
    ("it", "negative"): [
        "", "", "", "", " Sono cliente da {n} anni.", " Ho già scritto in DM.", " Codice pratica {order}.",
        " Ho chiamato {n} volte.", " È la seconda volta in {days} giorni.", " Ho due bambini piccoli.",
        " Lavoro da casa e non posso permettermelo.", " Ho anche mandato una PEC.",
        " Mia madre ha {age} anni.", " Fino al mese di {month} andava tutto bene.", " Allego lo screenshot.",
        " Aspetto dalle {time}.", " Abito a {city}.",
    ],
    ("it", "neutral"): [
        "", "", "", "", " Abito a {city}.", " Sono cliente da {n} anni.", " Ho già scritto in DM.",
        " Codice pratica {order}.", " Sul sito non lo trovo.", " Chiedo per mia madre che ha {age} anni.",
    ],
    ("it", "positive"): [
        "", "", "", " Sono cliente da {n} anni.", " Abito a {city}.", " Non era scontato.",
        " Lo dico io che di solito mi lamento.", " Succede raramente, meglio dirlo.",
    ],
    ("en", "negative"): [
        "", "", "", " Customer for {n} years.", " Already sent a DM.", " Ticket {order}.",
        " Called {n} times.", " Screenshot attached.",
    ],
    ("en", "neutral"): ["", "", "", " I live in {city}.", " Customer for {n} years.", " Couldn't find it online."],
    ("en", "positive"): ["", "", "", " Customer for {n} years.", " Credit where it's due."],
}  # fmt: skip
CLOSINGS = {
    ("it", "negative"): [
        "", "", "", " Vergogna.", " Pessimi.", " Rispondete!", " Aspetto una risposta.",
        " Mai più.", " Siete i peggiori.", " Grazie di niente.", " Che schifo.",
        " Ridicoli.", " Sto valutando di cambiare fornitore.",
    ],
    ("it", "neutral"): ["", "", "", " Grazie.", " Grazie mille.", " Grazie in anticipo.", " Buona giornata."],
    ("it", "positive"): ["", "", " Grazie!", " Continuate così.", " Top.", " Consigliatissimi.", " 10 e lode."],
    ("en", "negative"): ["", "", " Shameful.", " Answer please!", " Worst service ever.", " Never again."],
    ("en", "neutral"): ["", "", " Thanks.", " Thanks in advance."],
    ("en", "positive"): ["", "", " Thanks!", " Keep it up.", " Highly recommended."],
}  # fmt: skip
EMOJI = {
    "negative": ["", "", "", " 😡", " 🤬", " 😤", " 😡😡😡", " 👎", " 🙄", " 😩", " 💸"],
    "neutral": ["", "", "", "", " 🤔", " 🙏", " 😅"],
    "positive": ["", "", " 👏", " 💚", " 😊", " 👍", " 🔝", " ❤️", " 🙌"],
}
HASHTAGS = {
    "billing": ["", "", "", " #bollette", " #luminaenergia", " #caroBollette", " #bolletta"],
    "outages": ["", "", "", " #blackout", " #guasto", " #luminaenergia"],
    "offers": ["", "", "", " #offerte", " #risparmio", " #luminaenergia"],
    "digital": ["", "", "", " #app", " #disservizio", " #luminaenergia"],
    "stores": ["", "", "", " #LuminaPoint", " #luminaenergia"],
    "sustainability": ["", "", " #energiaverde", " #sostenibilità", " #rinnovabili"],
    "careers": ["", "", " #lavoro", " #careers", " #colloquio"],
    "competitors": ["", "", " #luminaenergia", " #mercatolibero"],
    "corporate": ["", "", " #energia", " #luminaenergia"],
    "crisis_outage": ["", " #blackout", " #LuminaDown", " #blackout #LuminaDown", " #senzaluce"],
    "crisis_billing": ["", " #doppioaddebito", " #LuminaDown", " #bollettepazze"],
}

NEWS_SUFFIXES = (
    "", "", "", " (aggiornamento)", " - Video", " | Le reazioni", " - L'analisi", " - Il punto",
    " | Cosa sapere", " - Le voci dei clienti", " (foto)",
)  # fmt: skip
# A text that would repeat too soon gets one of these appended (see generator._unrepeat).
MARKERS = (" !!", " 🙏", " ...", " 😶", " ‼️", " ??", " 😑", " !")

# A mention that names no brand alias gets one, as the searches that find mentions require.
BRAND_TAGS = (" #luminaenergia", " @luminaenergia", " #Lumina", " (Lumina Energia)", " @LuminaCare")

# Headlines for the news platform (authors are outlets and blogs).
NEWS_CORES = {
    "billing": [
        "Lumina Energia, bollette più care del {percent}: le associazioni dei consumatori protestano",
        "Conguagli Lumina Energia: cosa fare se la bolletta supera {amount}",
        "Bollette, Lumina Energia introduce la rateizzazione online",
    ],
    "outages": [
        "Blackout a {city}: migliaia di utenti Lumina senza corrente",
        "Guasto alla rete a {city}, Lumina: ripristino entro la serata",
        "Maltempo, disagi alla rete elettrica di {city}",
    ],
    "offers": [
        "Luce e gas, la nuova {offer} di Lumina Energia alla prova a {city}",
        "Tariffe di {month}: Lumina Energia tra le più convenienti",
    ],
    "digital": ["Lumina Energia rinnova l'app a {month}: arriva {feature}"],
    "stores": ["Lumina Energia apre un nuovo Lumina Point a {city}"],
    "sustainability": [
        "Lumina Energia inaugura un parco fotovoltaico vicino a {city}",
        "Comunità energetiche: il progetto pilota di Lumina a {city}",
    ],
    "careers": ["Lumina Energia cerca {jobs} a {city}: le posizioni aperte"],
    "competitors": [
        "Mercato libero, sfida tra Lumina Energia e {competitor} a {city}",
        "{competitor} e Lumina Energia: il confronto sulle tariffe di {month}",
    ],
    "corporate": [
        "Lumina Energia, il nuovo piano industriale punta su {city}",
        "Lumina Energia: semestrale in crescita, investimenti a {city}",
    ],
    "crisis_outage": [
        'Blackout a {city}, proteste contro Lumina Energia: "Nessuna informazione"',
        "Lumina Energia, guasto a catena: {city} al buio per ore",
    ],
    "crisis_billing": [
        'Doppio addebito in bolletta a {city}, Lumina Energia: "Errore tecnico, rimborsi in arrivo"',
        "Bollette sbagliate a {city}, il Codacons contro Lumina Energia",
    ],
}
NEWS_OUTLETS = (
    "Corriere Energia", "Il Quotidiano del Consumatore", "Energia Oggi", "BollettaWatch",
    "Il Gazzettino", "Radio Città", "TeleNord", "Mercato Libero News", "Il Risparmiatore",
    "Notizie Utili", "Cronaca Locale", "EconomiaFlash",
)  # fmt: skip

# Slang and typos applied to a share of Italian rows (old -> new), one rule per row.
SLANG = (
    ("perché", "xké"), ("non ", "nn "), ("comunque", "cmq"), ("che ", "ke "),
    ("per ", "x "), ("bolletta", "boletta"), ("Grazie", "grz"), ("sempre", "sempe"),
    ("settimane", "settimae"), ("nessuno", "nessun"), ("qualcuno", "qlcn"), ("ore", "h"),
)  # fmt: skip

# --- people -----------------------------------------------------------------------------------
FIRST_NAMES = (
    "marco", "giulia", "luca", "francesca", "alessandro", "sara", "andrea", "chiara", "matteo",
    "martina", "lorenzo", "elisa", "davide", "valentina", "simone", "federica", "gabriele",
    "alessia", "stefano", "silvia", "paolo", "roberta", "giorgio", "elena", "antonio", "anna",
    "giuseppe", "maria", "salvatore", "rosa", "vincenzo", "laura", "franco", "paola", "enzo",
    "ilaria", "mirko", "debora", "tommaso", "noemi", "riccardo", "beatrice", "emanuele",
    "serena", "daniele", "giada", "filippo", "arianna", "nicola", "claudia", "john", "emma",
    "tom", "sophie", "mark", "lisa", "kevin", "olga",
)  # fmt: skip
SURNAMES = (
    "rossi", "russo", "ferraro", "esposito", "bianchi", "romano", "colombo", "ricci", "marino",
    "greco", "bruno", "gallo", "conti", "deluca", "costa", "giordano", "mancini", "rizzo",
    "lombardi", "moretti", "barbieri", "fontana", "santoro", "mariani", "rinaldi", "caruso",
    "ferrara", "galli", "martini", "leone", "longo", "gentile", "martinelli", "vitale",
    "serra", "coppola", "desantis", "damico", "pellegrini", "palumbo", "sanna", "fabbri",
    "smith", "miller", "weber", "novak",
)  # fmt: skip
HANDLE_STYLES = 6  # see generator._authors: how first name, surname and digits combine

# --- staff --------------------------------------------------------------------------------------
# Replies, in the voice of each team: greeting + body + closing (+ the operator's signature on X).
REPLY_GREETINGS = {  # each ends with ", ": the body that follows starts in lower case
    ("it", "negative"): [
        "Ciao, ", "Buongiorno, ", "Buonasera, ", "Gentile cliente, ", "Ci dispiace molto, ",
        "Ciao, scusa per il disagio, ", "Ci scusiamo per il disagio, ", "Ciao e grazie per la segnalazione, ",
    ],
    ("it", "neutral"): [
        "Ciao, ", "Buongiorno, ", "Buonasera, ", "Gentile cliente, ", "Grazie per averci scritto, ",
        "Ciao e grazie per la domanda, ",
    ],
    ("it", "positive"): ["Ciao, ", "Buongiorno, ", "Ehi, ", "Ciao ciao, "],
    ("en", "negative"): ["Hi, ", "Hello, ", "Sorry to hear that, ", "Apologies for the trouble, "],
    ("en", "neutral"): ["Hi, ", "Hello, ", "Thanks for reaching out, "],
    ("en", "positive"): ["Hi, ", "Hey, ", "Hello, "],
}  # fmt: skip
REPLY_BODIES = {
    ("customer_care", "it"): [
        "ci scrivi in DM il codice cliente? Verifichiamo subito la bolletta.",
        "abbiamo preso in carico la segnalazione, ti aggiorniamo entro oggi.",
        "ti abbiamo scritto in privato per sistemare la pratica {order}.",
        "il rimborso risulta in lavorazione, arriverà entro {days} giorni lavorativi.",
        "prova ad aggiornare l'app alla versione {version}: il problema è stato corretto.",
        "la rateizzazione si attiva dall'area clienti in Bollette > Paga a rate.",
        "abbiamo verificato: la lettura di {month} era stimata, la correggiamo noi.",
        "passiamo la richiesta al collega del back office, ti ricontattiamo a breve.",
        "la promo è valida fino a fine {month} anche per chi è già cliente.",
    ],
    ("customer_care", "en"): [
        "could you DM us your customer code? We'll check the bill right away.",
        "we've logged your report and will update you today.",
        "the refund is being processed, expect it within {days} working days.",
        "please update the app to version {version}, the issue is fixed there.",
    ],
    ("technical_support", "it"): [
        "il guasto nella zona di {city} è stato preso in carico dalle nostre squadre.",
        "i tecnici sono al lavoro a {city}, ripristino previsto entro le {time}.",
        "la segnalazione è stata registrata con il numero {order}, verrà contattato dal tecnico.",
        "l'intervento a {city} è concluso, ci segnali se la fornitura non è ripartita.",
        "stiamo sostituendo un cavo di media tensione a {city}, servono ancora alcune ore.",
        "per le emergenze il Numero Verde Guasti, gratuito, è attivo 24 ore su 24.",
    ],
    ("technical_support", "en"): [
        "the fault in {city} has been taken in charge by our crews.",
        "technicians are working in {city}, power expected back by {time}.",
    ],
    ("stores", "it"): [
        "passa pure al {store}, siamo aperti anche il sabato mattina.",
        "ci dispiace per l'attesa, da {month} si prenota online e si salta la fila.",
        "chiedi di noi al {store}: ti aiutiamo con la pratica {order}.",
        "grazie per la visita al {store}, riferiremo i complimenti ai colleghi!",
        "sì, al {store} si possono pagare le bollette con bancomat e carta.",
    ],
    ("stores", "en"): ["drop by the {store}, we're open on Saturday morning too."],
    ("marketing", "it"): [
        "la {offer} è valida per nuovi e già clienti, trovi le condizioni sul sito.",
        "che bello leggerti! La {offer} ti aspetta anche il prossimo anno.",
        "il prezzo della {offer} resta bloccato per {n} mesi dalla attivazione.",
        "grazie! Presto novità sulla {offer}, restate sintonizzati.",
    ],
    ("marketing", "en"): ["{offer} is open to new and existing customers, terms at lumina.it."],
    ("social_hub", "it"): [
        "grazie per il tuo messaggio, giriamo la segnalazione al team giusto.",
        "ti abbiamo risposto in DM con tutti i dettagli.",
        "ti scriviamo in privato per capire meglio come aiutarti.",
        "abbiamo inoltrato la richiesta ai colleghi competenti, ti ricontattano a breve.",
        "siamo al lavoro per risolvere, aggiorneremo qui appena possibile.",
    ],
    ("social_hub", "en"): [
        "thanks for your message, we're forwarding it to the right team.",
        "we've sent you the details in DM.",
    ],
    ("press_office", "it"): [
        "per le richieste stampa trovate i contatti nell'area Media del sito.",
        "il comunicato ufficiale è disponibile nella sezione Media del nostro sito.",
        "i dati ufficiali saranno presentati con la semestrale di {month}.",
    ],
    ("press_office", "en"): ["the official statement is in the Media section of lumina.it."],
    ("hr_employer", "it"): [
        "grazie per l'interesse! Le posizioni aperte per {jobs} sono su lumina.it/lavora-con-noi.",
        "ci dispiace per l'attesa, il team di selezione ti ricontatta entro {days} giorni.",
        "benvenuto a bordo! 💚",
        "sì, stiamo cercando {jobs} anche a {city}.",
    ],
    ("hr_employer", "en"): ["thanks! Open positions for {jobs_en} are on lumina.it/careers."],
}  # fmt: skip
# Service answers by the mention's topic, for the teams that answer anything on their channels
# (customer care, the social hub, the stores); the specialist teams use REPLY_BODIES above.
REPLY_TOPIC_BODIES = {
    ("billing", "it"): [
        "ci scrivi in DM il codice cliente? Verifichiamo subito la bolletta.",
        "il conguaglio nasce da letture stimate: ti spieghiamo tutto in DM.",
        "il rimborso risulta in lavorazione, arriverà entro {days} giorni lavorativi.",
        "la rateizzazione si attiva dall'area clienti in Bollette > Paga a rate.",
        "abbiamo verificato: la lettura di {month} era stimata, la correggiamo noi.",
        "ti abbiamo scritto in privato per sistemare la pratica {order}.",
        "passiamo la richiesta al back office, ti ricontattiamo entro {days} giorni.",
    ],
    ("billing", "en"): [
        "could you DM us your customer code? We'll check the bill right away.",
        "the refund is being processed, expect it within {days} working days.",
        "the adjustment comes from estimated readings, we'll explain in DM.",
    ],
    ("outages", "it"): [
        "abbiamo girato la segnalazione ai colleghi del pronto intervento.",
        "a {city} risulta un guasto in lavorazione, ripristino previsto entro le {time}.",
        "per i guasti il Numero Verde Guasti è attivo 24 ore su 24, gratuito.",
        "ci mandi in DM l'indirizzo di fornitura? Verifichiamo con la squadra tecnica.",
    ],
    ("outages", "en"): [
        "we've passed your report to our field crews.",
        "there is a known fault in {city}, power expected back by {time}.",
    ],
    ("offers", "it"): [
        "la {offer} è valida anche per chi è già cliente, trovi le condizioni sul sito.",
        "il prezzo della {offer} resta bloccato per {n} mesi dall'attivazione.",
        "abbiamo segnalato il tuo numero: non riceverai più chiamate commerciali.",
        "ci scrivi in DM? Controlliamo che la {offer} sia applicata correttamente.",
    ],
    ("offers", "en"): ["{offer} is open to existing customers too, details on our website."],
    ("digital", "it"): [
        "prova ad aggiornare l'app alla versione {version}: il problema è stato corretto.",
        "c'è un problema noto con {feature}, la correzione arriva nei prossimi giorni.",
        "prova a disinstallare e reinstallare l'app, poi facci sapere.",
        "ti abbiamo scritto in DM per verificare il tuo accesso.",
    ],
    ("digital", "en"): ["please update the app to version {version}, the issue is fixed there."],
    ("stores", "it"): [
        "gli orari di tutti i Lumina Point sono sul sito, il {store} è aperto anche il sabato.",
        "ci dispiace per l'attesa, al {store} si può prenotare online e saltare la fila.",
        "riferiamo subito ai colleghi del {store}, grazie per la segnalazione.",
    ],
    ("stores", "en"): ["the {store} is open on Saturday morning too."],
    ("sustainability", "it"): [
        "l'energia della {offer} è certificata da garanzie d'origine europee.",
        "trovi i dati nel nostro Bilancio di sostenibilità, pagina {n}.",
    ],
    ("sustainability", "en"): ["{offer} is certified by European guarantees of origin."],
    ("careers", "it"): ["trovi tutte le posizioni aperte su lumina.it/lavora-con-noi."],
    ("careers", "en"): ["all open positions are on lumina.it/careers."],
    ("competitors", "it"): [
        "ci dispiace leggerlo: ti scriviamo in DM per trovare insieme l'offerta giusta.",
        "prima di decidere, ci dai la possibilità di rivedere la tua tariffa? Ti scriviamo in DM.",
    ],
    ("competitors", "en"): ["sorry to read that, we'll DM you to find the right plan together."],
    ("corporate", "it"): ["trovi il comunicato ufficiale nella sezione Media del nostro sito."],
    ("corporate", "en"): ["the official statement is in the Media section of lumina.it."],
    ("crisis_outage", "it"): [
        "stiamo lavorando senza sosta per ripristinare la fornitura a {city}, ci scusiamo per il disagio.",
        "le squadre sono sul posto a {city}, aggiorniamo qui ogni ora.",
        "il guasto di {city} è sulla rete di media tensione: ripristino previsto entro le {time}.",
    ],
    ("crisis_outage", "en"): ["crews are on site in {city}, we'll post updates every hour."],
    ("crisis_billing", "it"): [
        "il doppio addebito è dovuto a un errore tecnico: il rimborso sarà automatico entro {days} giorni.",
        "ci scusiamo per l'errore di fatturazione, la bolletta corretta arriverà entro {days} giorni.",
    ],
    ("crisis_billing", "en"): ["the double charge was a technical error; refunds are automatic within {days} days."],
    ("positive", "it"): [
        "grazie mille, ci fa davvero piacere! Lo giriamo a tutta la squadra.",
        "che bello leggerti! Grazie per la fiducia.",
        "grazie! Messaggi così ci rendono felici.",
    ],
    ("positive", "en"): ["thank you so much, we'll share this with the whole team!"],
}  # fmt: skip
REPLY_CLOSINGS = {
    "it": ["", "", " Buona giornata!", " A presto.", " Grazie per la pazienza.", " Restiamo a disposizione.", " 💚"],
    "en": ["", " Have a nice day!", " Thanks for your patience.", " 💚"],
}  # fmt: skip

# Original posts per team (campaigns, notices, job ads...).
TEAM_POSTS = {
    ("social_hub", "it"): [
        "La luce che usi ogni giorno può essere 100% rinnovabile. Scopri la {offer}.",
        "Dietro ogni kWh c'è una squadra: oggi vi raccontiamo i nostri tecnici di {city}.",
        "Consigli per risparmiare in {month}: lavatrice a pieno carico e temperature basse.",
        "Il nuovo parco solare vicino a {city} produce energia per {n3} famiglie.",
        "Un minuto di pausa con noi: il dietro le quinte del nostro centro di {city}.",
        "Manutenzione programmata dell'app stanotte: torniamo operativi alle {time}.",
        "Buon weekend da tutta la squadra Lumina! Dove passerete questi giorni?",
        "Grazie ai {n3} clienti che hanno scelto l'energia verde questo mese.",
    ],
    ("social_hub", "en"): [
        "Your power can be 100% renewable. Meet {offer}.",
        "Energy saving tip for {month_en}: full loads and lower temperatures.",
    ],
    ("marketing", "it"): [
        "Solo per {month}: con la {offer} il primo mese è gratis. #adv",
        "Codice {code} per lo sconto sull'attivazione della {offer}. #adv",
        "Nuova {offer}: prezzo bloccato per {n} mesi. Link in bio. #adv",
        "Concorso Lumina: vinci un anno di energia green. Regolamento sul sito. #adv",
        "Offerta lampo sulla {offer} fino a domenica! #adv #pubblicità",
    ],
    ("marketing", "en"): ["Only in {month_en}: first month free on {offer}. #ad"],
    ("customer_care", "it"): [
        "Oggi il servizio clienti risponde fino alle {time}. Scriveteci qui!",
        "Ricordiamo che l'autolettura si fa dall'app entro il {n2} del mese.",
        "Attenzione ai finti operatori al telefono: non chiediamo mai password o codici.",
        "Disservizio sull'area clienti risolto, grazie per la pazienza.",
    ],
    ("customer_care", "en"): ["Customer care is open until {time} today. Write to us here!"],
    ("technical_support", "it"): [
        "Guasto sulla rete a {city}: squadre al lavoro, ripristino previsto entro le {time}.",
        "Lavori programmati a {city} il {date}: possibili interruzioni dalle 9 alle 13.",
        "Intervento concluso a {city}, la fornitura è regolare.",
        "Allerta meteo su {city}: squadre di pronto intervento in reperibilità.",
    ],
    ("technical_support", "en"): ["Network fault in {city}: crews at work, power back by {time}."],
    ("press_office", "it"): [
        "Lumina Energia presenta il piano di investimenti per {city}.",
        "Comunicato: Lumina Energia firma l'accordo per le comunità energetiche di {city}.",
        "Il nostro AD interviene oggi al Forum dell'Energia di {city}.",
        "Pubblicato il Bilancio di sostenibilità: {n3} tonnellate di CO2 evitate.",
    ],
    ("press_office", "en"): ["Lumina Energia announces its investment plan for {city}."],
    ("hr_employer", "it"): [
        "Cerchiamo {jobs} a {city}! Candidature su lumina.it/lavora-con-noi. #lavoro",
        "Open day Lumina a {city} il {date}: vieni a conoscerci. #careers",
        "Dalla nostra academy sono usciti {n} nuovi {jobs}. Complimenti a tutti!",
        "Welfare aziendale: da {month} un giorno in più di smart working.",
    ],
    ("hr_employer", "en"): ["We're hiring {jobs_en} in {city}! Apply on lumina.it/careers. #hiring"],
    ("stores", "it"): [
        "Il {store} sabato è aperto fino alle {time}. Vi aspettiamo!",
        "Questa settimana al {store} consulenze gratuite sul risparmio energetico.",
        "Nuovi orari al {store} da {month}: aperti anche in pausa pranzo.",
        "Grazie a tutti i clienti che sono passati al {store} questo mese!",
    ],
    ("stores", "en"): ["The {store} is open until {time} on Saturday. See you there!"],
}  # fmt: skip
POST_TAILS = ["", "", " 💚", " ⚡", " 🌱", " 👉 lumina.it", " #luminaenergia", " 🔆"]

# --- the incidents' own texts (stored verbatim; docs/decisions/0002-demo-data.md) -------------------
LEAK_TEXTS = (
    "@{handle} tranquilla, tra noi: i numeri del trimestre non ancora pubblici sono ottimi, "
    "fatturato Q3 +12% e margine oltre le attese. Da gennaio con il Progetto Aurora le tariffe "
    "scendono, ma è riservato, non diffondere 😉",
    "@{handle} anticipazione riservata: il Progetto Aurora parte a marzo e porterà la nostra "
    "rete in fibra a {city}. Internal only, mi raccomando.",
)
UNDISCLOSED_PROMO = (
    "Ragazzi con il mio codice VALE30 avete il 30% di sconto sulla Lumina Green 100 😍 "
    "link in bio, correte! ✨"
)
HOSTILE_REPLY = (
    "@{handle} se avesse letto il contratto non saremmo qui. È colpa sua, non nostra!!! "
    "SMETTA DI SCRIVERE QUI."
)
PERSONAL_DATA_REPLY = (
    "@{handle} Gentile Mario Verdi, ho verificato la sua posizione: l'email mario.verdi72@gmail.com "
    "e il numero 347 812 4590 risultano associati al contratto, l'IBAN IT60X0542811101000000123456 "
    "è corretto."
)
OFF_CHANNEL_POSTS = (
    "POV: lavori in Lumina e il venerdì è pizza con il team 🍕 Cerchiamo tecnici di rete! #lavoro",
    "Un giorno nella vita di una recruiter Lumina ✨ Candidati su lumina.it/lavora-con-noi",
    "Siamo a {city} per il career day: passa a trovarci! #careers",
)
BURST_POSTS = (
    "Hai già visto la {offer}? Prezzo bloccato per {n} mesi! #adv",
    "Ultimi giorni per attivare la {offer} con il bonus benvenuto. #adv",
    "La {offer} conviene: fai la simulazione sul sito in 2 minuti. #adv",
    "Ancora pochi giorni: {offer} con il primo mese gratis. #adv",
)
COMPETITOR_DISPARAGED = (
    "@{handle} con Voltaris avresti bollette gonfiate e un'assistenza inesistente, "
    "sono dei truffatori. Da noi non succede 😏"
)
