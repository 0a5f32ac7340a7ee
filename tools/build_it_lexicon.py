"""Build the Italian sentiment lexicon ``data/lexicons/it_lexicon.tsv`` for VADER's engine.

Reproducible: the output depends only on this file and on the lexicons shipped inside the
installed vaderSentiment package. Run from the repository root:

    python tools/build_it_lexicon.py            # writes data/lexicons/it_lexicon.tsv
    python tools/build_it_lexicon.py --check    # exits 1 if the committed file is stale

Sources, in order of precedence (a later source never overrides an earlier one):

1. ``PHRASES``: multi-word expressions ("fa schifo", "meno male", "non vedo l'ora"), valences
   set by hand on VADER's -4..+4 scale.
2. ``CURATED``: Italian words with valences set by hand, anchored on VADER's ratings of the
   nearest English word (slang, insults, customer-service and political vocabulary).
3. ``FROM_ENGLISH``: hand-written translations of VADER's English entries; each Italian word
   takes the mean human rating VADER's raters gave the English words it translates.
4. ``LOANWORDS``: English words Italians write as they are ("lol", "wtf", "fake"), VADER's rating.
5. Emoticons from VADER's lexicon, emoji from VADER's emoji lexicon (valence = sum of VADER's
   ratings of the words of the emoji's description, as VADER itself scores it), with
   ``EMOJI_OVERRIDES`` where that sum misses the meaning.

Each word carries a part-of-speech code that expands it into its inflected forms:
``:a`` adjective (gender, number, -issimo superlatives), ``:n`` noun (plural), ``:v`` verb
(regular conjugation, reflexive -arsi/-ersi/-irsi too), none = invariable.
"""

from __future__ import annotations

import argparse
import math
import sys
import unicodedata
from pathlib import Path

import vaderSentiment

VADER_DIR = Path(vaderSentiment.__file__).resolve().parent
OUTPUT = Path(__file__).resolve().parents[1] / "data" / "lexicons" / "it_lexicon.tsv"
SUPERLATIVE_BOOST = 0.6  # -issimo: roughly one VADER booster step (0.293) x2
MAX_VALENCE = 4.0

# english key(s) = italian words. Valence: mean of VADER's ratings of the English keys.
FROM_ENGLISH = """
good = buono:a bravo:a positivo:a buon
great = grandioso:a
excellent = ottimo:a eccellente:a
fantastic = fantastico:a
wonderful marvelous = meraviglioso:a stupendo:a splendido:a
awesome = strepitoso:a
beautiful = bello:a bel
beauty = bellezza:n
lovely = carino:a
adorable = adorabile:a
nice = simpatico:a gradevole:a
pleasant = piacevole:a
perfect = perfetto:a
perfectly = perfettamente
happy = felice:a contento:a
happiness = felicità
glad = lieto:a
joy = gioia:n
joyful = gioioso:a
love = amore:n amare:v
loved = amato:a
like = piacere:v piacciono piaciuto:a
adore = adorare:v
enjoy = divertirsi:v gustare:v
fun = divertente:a divertimento:n
funny = spassoso:a
thanks = grazie ringraziare:v ringraziamento:n
grateful thankful = grato:a riconoscente:a
appreciate = apprezzare:v
appreciated = apprezzato:a
recommend = consigliare:v
recommended = consigliato:a
helpful = utile:a
help = aiutare:v
kind = gentile:a
kindness = gentilezza:n cortesia:n
courteous = cortese:a educato:a
friendly = amichevole:a cordiale:a
efficient = efficiente:a
efficiency = efficienza:n
trustworthy = affidabile:a
trust = fiducia:n
trusted = fidato:a
honest = onesto:a sincero:a
honesty = onestà sincerità
fair = equo:a corretto:a
clean = pulito:a
safe = sicuro:a
free = gratis gratuito:a
win = vincere:v vittoria:n
winner = vincitore:n
won = vinto:a
hope = speranza:n sperare:v
hopeful = fiducioso:a
proud = orgoglioso:a fiero:a
pride = orgoglio:n
brave = coraggioso:a
courage = coraggio:n
smart intelligent = intelligente:a
brilliant = geniale:a genio:n
brilliant = brillante:a
creative = creativo:a
innovative = innovativo:a
useful = utile:a
satisfied = soddisfatto:a
satisfaction = soddisfazione:n
relief = sollievo:n
calm = calmo:a tranquillo:a sereno:a
peace = pace:n
peaceful = pacifico:a
comfortable = comodo:a confortevole:a
welcome = benvenuto:a accoglienza:n
sweet = dolce:a
cute = tenero:a
precious valuable = prezioso:a
special = speciale:a
outstanding = eccezionale:a straordinario:a
magnificent = magnifico:a
fabulous = favoloso:a
terrific = formidabile:a
better = migliore:a meglio miglior
improve = migliorare:v
improvement = miglioramento:n
progress = progresso:n
solved = risolto:a
enthusiastic = entusiasta:a
enthusiasm = entusiasmo:n
passion = passione:n
dream = sogno:n sognare:v
celebrate = festeggiare:v celebrare:v
party = festa:n
gift = regalo:n dono:n
congratulations congrats = congratulazioni complimenti auguri
lucky = fortunato:a
luck = fortuna:n
luckily = fortunatamente
support = sostegno:n supportare:v sostenere:v
protect = proteggere:v tutelare:v
respect = rispetto:n rispettare:v
freedom = libertà
honor = onore:n
glory = gloria:n
paradise heaven = paradiso:n
miracle = miracolo:n
healthy = sano:a
wealth = ricchezza:n
rich = ricco:a
generous = generoso:a
charming = affascinante:a
elegant = elegante:a
smile = sorriso:n sorridere:v
smiling = sorridente:a
hug = abbraccio:n abbracciare:v
kiss = bacio:n baciare:v
friendship = amicizia:n
friend = amico:n
care = cura:n
easy = facile:a semplice:a
interesting = interessante:a
optimistic = ottimista:a
optimism = ottimismo:n
competent = competente:a
clear = chiaro:a
clarity = chiarezza:n
solidarity = solidarietà
bad = cattivo:a brutto:a
terrible = terribile:a
horrible = orribile:a orrendo:a
worse = peggio peggiore:a peggiorare:v peggior
disgusting = disgustoso:a
disgust = disgusto:n
hate = odiare:v odio:n
angry = arrabbiato:a arrabbiarsi:v
anger = rabbia:n ira:n
furious = furioso:a infuriato:a
annoyed = infastidito:a seccato:a
annoying irritating = fastidioso:a irritante:a
frustrated = frustrato:a
frustration = frustrazione:n
disappointed = deluso:a
disappointing = deludente:a
disappointment = delusione:n
disappoint = deludere:v
sad = triste:a
sadness = tristezza:n
unhappy = infelice:a scontento:a
depressed = depresso:a
pain = dolore:n
painful = doloroso:a
suffer = soffrire:v
suffering = sofferenza:n
fear = paura:n
scared = spaventato:a impaurito:a
scary = spaventoso:a
worried = preoccupato:a
worry = preoccupazione:n preoccupare:v
problem = problema:n
trouble = guaio:n
error = errore:n
mistake = sbaglio:n
wrong = sbagliato:a errato:a
fail = fallire:v
failure = fallimento:n
failed = fallito:a
broken = rotto:a guasto:a
damage = danno:n
damaged = danneggiato:a
lost = perso:a
loss = perdita:n
waste = spreco:n sprecare:v
useless = inutile:a
stupid = stupido:a scemo:a
idiot = idiota:n
fool = sciocco:a
ridiculous = ridicolo:a
shame = vergogna:n
shameful = vergognoso:a
embarrassing = imbarazzante:a
disgrace = disgrazia:n
scandal = scandalo:n
scandalous = scandaloso:a
liar = bugiardo:a
lies = bugia:n mentire:v
cheat = imbrogliare:v imbroglio:n
cheater = imbroglione:n
fraud = frode:n
steal = rubare:v
thief = ladro:n
crime = crimine:n reato:n
criminal = criminale:a delinquente:a
violence = violenza:n
violent = violento:a
kill = uccidere:v ammazzare:v
death = morte:n
dead = morto:a
die = morire:v
war = guerra:n
threat = minaccia:n minacciare:v
danger = pericolo:n
dangerous = pericoloso:a
risk = rischio:n rischiare:v
poverty = povertà
poor = povero:a
debt = debito:n
delay = ritardo:n
rude = maleducato:a scortese:a sgarbato:a
arrogant = arrogante:a
incompetent = incompetente:a incapace:a
lazy = pigro:a
hypocritical = ipocrisia:n ipocrita:a
greed = avidità
greedy = avido:a
selfish = egoista:n
evil = malvagio:a
cruel = crudele:a
unfair = ingiusto:a
injustice = ingiustizia:n
chaos = caos
disaster = disastro:n
disastrous = disastroso:a
catastrophe = catastrofe:n
tragedy = tragedia:n
tragic = tragico:a
hell = inferno:n
boring = noioso:a
bored = annoiato:a
tired = stanco:a
sick = malato:a
sorry = scusa:n scusare:v
inconvenience = disagio:n
complaint = reclamo:n lamentela:n
complain = lamentarsi:v
upset = turbato:a sconvolto:a
shocked = scioccato:a
stress = stress stressato:a
anxious = ansioso:a
anxiety = ansia:n
cry = piangere:v
tears = lacrima:n
guilty = colpevole:a
blame = colpa:n
accuse = accusare:v
attack = attacco:n attaccare:v
destroy = distruggere:v
destroyed = distrutto:a
ruin = rovinare:v rovina:n
ruined = rovinato:a
abuse = abuso:n
harassment = molestia:n
racist = razzista:n
racism = razzismo:n
fascist = fascista:n
ignorant = ignorante:a
ignorance = ignoranza:n
nonsense = sciocchezza:n assurdità
bullshit = stronzata:n cazzata:n
shit = merda:n
assholes = stronzo:a
bastard = bastardo:a
damn = dannato:a maledetto:a
hopeless desperate = disperato:a
despair = disperazione:n
miserable = misero:a
pathetic = patetico:a penoso:a
weak = debole:a
unacceptable = inaccettabile:a
outrageous = oltraggioso:a
insult = insulto:n insultare:v
offensive = offensivo:a
offend = offendere:v
betray = tradire:v tradimento:n
betrayed = tradito:a
abandon = abbandonare:v
abandoned = abbandonato:a
ignored = ignorato:a ignorare:v
neglect = trascurare:v trascurato:a
confused = confuso:a
confusion = confusione:n
doubt = dubbio:n
suspicious = sospetto:a
fake = falso:a
hostile = ostile:a
aggressive = aggressivo:a
stuck blocked = bloccato:a
missing = mancante:a
refuse = rifiutare:v
refused = rifiutato:a
reject = respingere:v
rejected = respinto:a
cancel = annullare:v
cancelled = annullato:a
denied = negato:a
penalty = penale:n multa:n
punish = punire:v
hurt = ferire:v ferito:a
injured = ferita:n
difficult = difficile:a
crash = crollo:n
unemployment = disoccupazione:n
terrified = terrorizzato:a
admire = ammirare:v
admiration = ammirazione:n
affection = affetto:n
amused = divertito:a
attractive = attraente:a
benefit = beneficio:n
bright = luminoso:a
capable = capace:a
charity = beneficenza:n
cheerful = allegro:a allegria:n
comfort = conforto:n
desire = desiderio:n
determined = determinato:a
dignity = dignità
encourage = incoraggiare:v
encouragement = incoraggiamento:n
energetic = energico:a
faith = fede:n
faithful loyal = fedele:a leale:a
favorite = preferito:a
grace = grazia:n
gratitude = gratitudine:n
harmony = armonia:n
honored = onorato:a
humor = umorismo:n
ideal = ideale:a
inspire = ispirare:v
inspiration = ispirazione:n
integrity = integrità
lively = vivace:a
noble = nobile:a
praise = lode:n lodare:v elogio:n elogiare:v
pretty = grazioso:a
protected = protetto:a
relaxed = rilassato:a
relaxing = rilassante:a
reward = premio:n ricompensa:n
romantic = romantico:a
save rescue = salvare:v salvezza:n
solution = soluzione:n
stable = stabile:a
talent = talento:n
talented = talentuoso:a
warmth = calore:n caloroso:a
wisdom = saggezza:n
agony = agonia:n
apathy = apatia:n
argue = litigare:v
argument = lite:n litigio:n
bankrupt = bancarotta:n fallito:a
bitter = amareggiato:a
boycott = boicottare:v boicottaggio:n
brutal = brutale:a
bully = bullo:n bullismo:n
burden = fardello:n
catastrophic = catastrofico:a
conflict = conflitto:n
contempt = disprezzo:n
controversial = controverso:a
coward = vigliacco:a codardo:a
crazy = pazzo:a
criticize = criticare:v
criticism = critica:n
curse = maledizione:n
defeat = sconfitta:n
defeated = sconfitto:a
deny = negare:v
depressing = deprimente:a
despise = disprezzare:v
destruction = distruzione:n
dirty = sporco:a lurido:a
dishonest = disonesto:a
disturbing = inquietante:a
embarrassed = imbarazzato:a
grief = lutto:n
harm = nuocere:v
helpless = impotente:a
humiliate = umiliare:v
humiliation = umiliazione:n
inadequate = inadeguato:a
indifferent = indifferente:a
insecure = insicuro:a
irresponsible = irresponsabile:a
jealous = geloso:a
lack = mancanza:n
manipulation = manipolazione:n manipolare:v
misleading = fuorviante:a
murder = assassinio:n
murderer = assassino:n
negative = negativo:a
noisy = rumoroso:a
obscene = osceno:a volgare:a
offended = offeso:a
pessimistic = pessimista:a
poison = veleno:n avvelenare:v
pollute = inquinare:v
prison = prigione:n
protest = protesta:n protestare:v
rape = stupro:n
reckless = sconsiderato:a
rotten = marcio:a
scream = urlare:v
severe = grave:a
shock = shock
slavery = schiavitù schiavo:n sfruttamento:n
stink = puzzare:v puzzolente:a
struggle = fatica:n
suicide = suicidio:n
terror = terrore:n
torture = tortura:n
trap = trappola:n
uncertain = incerto:a
unpleasant = spiacevole:a insopportabile:a
violation = violare:v violazione:n
weird = strano:a
worthless = senza_valore
mess = pasticcio:n
rage = furia:n
"""

# valence = italian words (hand-set, on VADER's scale)
CURATED = """
3.0 = capolavoro:n successone:n trionfo:n
2.8 = spettacolare:a meraviglia:n impeccabile:a sublime:a fenomenale:a incantevole:a
2.8 = eccelso:a ottimamente benissimo
2.7 = eccellenza:n delizioso:a squisito:a
2.5 = mitico:a figata:n ficata:n superlativo:a divino:a evviva congratulazioni
2.5 = professionalità bravissimo:a disponibilissimo:a
2.3 = goduria:n delizia:n eroe:n splendidamente magnificamente
2.2 = leggendario:a grazie_mille
2.0 = top figo:a ganzo:a mito:n epico:a vincente:a tempestivo:a emozionante:a gustoso:a
2.0 = applausi applauso urrà yuppi eroico:a gioiello:n risolutivo:a egregiamente felicemente perfettamente
1.8 = efficace:a vantaggioso:a gasato:a sballo:n commovente:a suggestivo:a cordialità
1.8 = affidabilità leggenda:n tesoro:n rimborsato:a spacca
1.6 = professionale:a competente:a puntuale:a puntualità soddisfacente:a
1.5 = conveniente:a convenienza:n risparmio:n fenomeno:n campione:n emozione:n spettacolo:n
1.5 = fico:a viva daje olè bentornato:a piacevolmente promosso:a
1.3 = risparmiare:v vantaggio:n trasparente:a trasparenza:n coerente:a coerenza:n
1.2 = sconto:n preciso:a risolvere:v bene cuore:n precisione:n veloce:a rapidità
1.0 = rapido:a scialla commosso:a forza
0.8 = funzionare:v finalmente grande:a sistemato:a disponibilità mantenuto:a sicuro:a chiaro:a
0.8 = semplice:a
0.3 = rimborso:n
0.0 = offerta:n caro:a giusto:a vero:a successo:n giustizia:n salute:n consiglio:n
0.0 = economico:a incredibile:a pazzesco:a buongiorno buonasera buonanotte ok okay
0.6 = serio:a
1.5 = serietà
-0.5 = poltrona:n perplesso:a attesa:n
-0.8 = conguaglio:n dimissioni dimettersi:v capra:n interruzione:n sospensione:n
-1.0 = tassa:n evasione:n casino:n distacco:n staccato:a allerta:n complicato:a
-1.0 = difficoltà chiacchiere dispiacere:v
-1.2 = purtroppo impossibile:a bug:n disguido:n rallentamento:n tagli superficiale:a
-1.2 = macchinoso:a
-1.3 = peccato propaganda:n basito:a regime:n introvabile:a
-1.5 = lento:a lentezza:n nervoso:a disoccupato:a precario:a dilettante:n servo:n
-1.5 = sfortunatamente malauguratamente approssimativo:a mediocre:a insufficiente:a
-1.5 = scarso:a carente:a difetto:n indagato:a folle:a esagerato:a sconcertato:a
-1.5 = allibito:a pentito:a rimpianto:n sbagliare:v emergenza:n allarme:n spam
-1.5 = arresto:n carcere:n male fuffa:n bufala:n
-1.8 = irraggiungibile:a guasto:n blackout black-out rincaro:n malfunzionamento:n
-1.8 = denuncia:n denunciare:v casta:n sfiducia:n precariato:n declino:n fame
-1.8 = condannato:a condanna:n arrestato:a galera:n sfiga:n sfortuna:n rompiscatole
-1.8 = esausto:a malamente evasore:n peggioramento:n incidente:n caotico:a balzello:n
-1.8 = interminabile:a demagogia:n grottesco:a teatrino:n crisi
-2.0 = disservizio:n inefficiente:a inefficienza:n difettoso:a diffida:n fregare:v
-2.0 = stufo:a indignato:a indignazione:n amareggiato:a amarezza:n insoddisfatto:a
-2.0 = insoddisfazione:n inservibile:a disorganizzato:a disorganizzazione:n inciucio:n
-2.0 = poltronificio:n disoccupazione:n abusivismo:n sfigato:a pagliaccio:n nemico:n
-2.0 = vittima:n inquinamento:n inquinato:a tossico:a greenwashing incendio:n cazzo
-2.0 = fasullo:a farlocco:a vessatorio:a illegale:a illecito:a rompipalle viscido:a
-2.0 = vaffa lecchino:n vittime sessista:n sessismo:n follia:n incapacità
-2.1 = incompetenza:n
-2.2 = inaffidabile:a spropositato:a
-2.3 = esorbitante:a pietoso:a squallido:a squallore:n inammissibile:a esasperato:a
-2.3 = scadente:a degrado:n collasso:n miseria:n fascismo:n ingannevole:a ingannare:v
-2.3 = inganno:n cretino:a buffone:n pagliacciata:n buffonata:n inetto:a
-2.3 = inettitudine:n mazzetta:n cornuto:a alluvione:n terremoto:n ecomostro:n
-2.3 = pezzente:n recessione:n minchiata:n figuraccia:n
-2.5 = truffaldino:a indecente:a intollerabile:a nauseante:a schifezza:n salasso:n
-2.5 = stangata:n vergognarsi:v incazzatura:n incazzarsi:v schifato:a disgustato:a
-2.5 = deficiente:a demente:a imbecille:a ritardato:a leccaculo:n verme:n parassita:n
-2.5 = sanguisuga:n tangente:n baratro:n puttana:n puttanata:n troia:n zoccola:n
-2.5 = raggirare:v fottere:v fottuto:a vergogna:n rapina:n furto:n incubo:n infernale:a
-2.8 = pessimamente malissimo schifo:n schifoso:a fregatura:n raggiro:n incazzato:a
-2.8 = coglione:n infame:a infamia:n stronzo:a merda:n fanculo affanculo ladrone:n
-2.8 = corruzione:n corrotto:a sfacelo:n dittatura:n strozzino:n inqualificabile:a
-3.0 = pessimo:a truffa:n truffare:v vomitevole:a ripugnante:a vergognatevi vergognati
-3.0 = vaffanculo fottiti mafia:n mafioso:a camorra:n 'ndrangheta omicidio:n
-3.0 = terrorismo:n terrorista:n attentato:n nazista:n ladrocinio:n
-3.2 = truffatore:n strage:n massacro:n
2.0 = evvai omaggio:n esaustivo:a buonumore
1.5 = migliorato:a
1.0 = preparato:a caspita cura:n
-0.8 = mah gufo:n
0.3 = migliorare:v
-1.0 = sciopero:n vitalizio:n privilegio:n bah tarocco:a sacrificio:n complimentoni
-1.2 = disdire:v disdetta:n
-1.5 = circo:n inesistente:a disdetto:a
-1.2 = accidenti
-1.5 = uffa mannaggia sigh argh spazzatura:n immondizia:n rosicone:n buu
-1.8 = assurdo:a grrr
-2.0 = allucinante:a inconcepibile:a inaudito:a meschino:a clientelismo:n nepotismo:n puah
-2.0 = bleah taroccato:a discriminazione:n censura:n oppressione:n ostaggio:n
-2.3 = vile:a indegno:a ciofeca:n boiata:n mazzata:n
-2.5 = ignobile:a orrore:n obbrobrio:n porcata:n porcheria:n cagata:n malaffare:n
-2.5 = vergognosamente
2.5 = genialità
2.2 = generosità
2.0 = risata:n altruismo:n bravura:n
1.5 = umiltà epic
1.2 = commozione:n
1.0 = perdono:n
0.8 = sorpresa:n impegno:n vicinanza:n competenza:n
-0.8 = scettico:a imperfetto:a furbo:a
-1.0 = pesante:a indifferenza:n cordoglio:n condoglianze pentimento:n
-1.2 = malinconia:n incertezza:n
-1.3 = rottura:n cinismo:n
-1.5 = solitudine:n invidia:n gelosia:n rimorso:n pessimismo:n cringe trash furbata:n
-1.8 = antipatico:a presuntuoso:a superbia:n favoritismo:n pazzia:n furbetto:n dimettiti
-1.8 = dimettetevi
-2.0 = sfruttato:a vendetta:n egoismo:n demenza:n flop
-2.2 = arroganza:n
-2.3 = odioso:a
-2.5 = traditore:n
2.0 = azzeccato:a raffinato:a buongusto convincente:a
1.2 = originale:a
1.5 = orecchiabile:a credibile:a curato:a
1.0 = riuscito:a
-1.0 = prevedibile:a artificiale:a surreale:a imbarazzo:n tormentone:n strappalacrime
-1.3 = banale:a ripetitivo:a finto:a kitsch sciatto:a
-1.5 = stucchevole:a melenso:a martellante:a invadente:a insulso:a pacchiano:a pallosa
-1.5 = palloso:a demenziale:a
-1.8 = molesto:a snervante:a angosciante:a
-2.3 = inguardabile:a vomito:n
-2.5 = agghiacciante:a raccapricciante:a
2.0 = complimentarsi:v congratularsi:v gioire:v entusiasmare:v
1.8 = emozionare:v
-1.5 = temere:v
-1.8 = spaventare:v
-2.0 = schifare:v deprimere:v
-2.5 = detestare:v terrorizzare:v
"""

# valence = phrases separated by "|"
PHRASES = """
2.8 = ti voglio bene | vi vogliamo bene | vi voglio bene | le voglio bene
2.5 = da sogno | da favola | grazie di cuore | alla grande | il top | al top
2.3 = grazie mille | mille grazie | da urlo | da sballo | ben fatto | ce l'abbiamo fatta
2.0 = da paura | non vedo l'ora | grazie al cielo | grazie a dio | il massimo | ben riuscito
2.7 = ottimo lavoro
2.5 = bel lavoro | grande lavoro
1.8 = meno male | per fortuna | niente male | mica male | ne vale la pena | bella figura
1.5 = non c'è male | in bocca al lupo | tutto a posto | tutto ok | vale la pena | ce l'ho fatta
1.5 = passo avanti | passi avanti
1.0 = senza dubbio | a posto
0.8 = va bene
0.5 = di niente | figurati | figuratevi
0.0 = forza italia | popolo della libertà | italia viva | fratelli d'italia | più europa
0.0 = movimento 5 stelle | cinque stelle | partito democratico | liberi e uguali | scelta civica
0.0 = sinistra ecologia libertà | mozzarella di bufala | come mai | servizio clienti
0.0 = buona parte | non solo | se non altro | bene o male | male che vada | altro che
0.0 = voto di fiducia | questione di fiducia | fiducia al governo | vota la fiducia
0.0 = votato la fiducia | pone la fiducia | porre la fiducia | ottiene la fiducia
0.0 = incassa la fiducia | mozione di sfiducia | voto di sfiducia | forza politica
0.0 = forza lavoro | a forza di | per forza | grande coalizione | grandi opere | a cura di
0.0 = per piacere | energia solare | pannelli solari | pannello solare
0.5 = energia pulita
-0.5 = debito pubblico
-1.0 = crisi di governo
-0.8 = niente di che | niente da fare | mi dispiace | ci dispiace
-1.0 = cambio canale | non riesco | non riusciamo | passo indietro | passi indietro
-1.5 = fuori servizio | fuori uso | in ritardo | mai più | bella roba | non si capisce
-1.5 = aspetto ancora | ancora niente | ancora nulla | un cavolo | senza senso | alle stelle
-1.5 = più caro | più cara | più cari | più care | minestra riscaldata | amici degli amici
-1.5 = cambio fornitore | cambio gestore | cambio operatore | non si è presentato
-1.5 = come no | libro dei sogni | basta con | fuga dei cervelli | mal di testa
-1.5 = ma siete seri | ma sei serio | aumento dei prezzi | aumento delle tasse
-1.5 = aumento delle bollette | aumento delle tariffe | aumento della benzina
-1.5 = aumento dell'iva | alzato le tariffe | alzare le tasse | stesse facce
-2.0 = mi cadono le braccia | cadono le braccia
-1.5 = prezzi alti | prezzi altissimi | bollette alte | bollette altissime | costi alti
-1.5 = tariffe alte | tariffe altissime
-2.0 = non sopporto | non si sopporta | non li sopporto | non lo sopporto | non la sopporto
1.0 = era ora
0.0 = sul serio
2.0 = buon umore
-1.5 = non si è presentata | non si è presentato nessuno | non si è fatto vivo nessuno
-1.8 = adesso basta | ora basta | tutti a casa | fa paura | fake news | col cavolo
-1.8 = ne ho abbastanza | caro energia | caro bollette | nessun riscontro | senza pudore
-1.8 = state scherzando | ma scherziamo | scherziamo | nessuno fa niente | non risponde
-2.0 = troppo caro | troppo cara | troppo cari | troppo care | costi nascosti
-2.0 = promessa mai mantenuta | promesse mai mantenute | promessa non mantenuta
-2.0 = promesse non mantenute
-2.0 = non funziona | non funzionano | non funzionava | andate a casa | in galera
-2.0 = senza luce | senza gas | al buio | attesa infinita | attese infinite | doppio addebito
-2.0 = nessuna risposta | nessuno risponde | non risponde nessuno | non rispondete
-2.0 = non rispondono | brutta figura | a quel paese | un casino | che casino
-2.2 = bolletta sbagliata | bollette sbagliate
-2.3 = che palle | che pena | che tristezza | non ce la faccio più | non se ne può più
-2.3 = non ne posso più | non ne possiamo più
-2.3 = senza ritegno | senza scrupoli | porca puttana | porca troia
-2.5 = fa pena | fanno pena | presa in giro | prendete in giro | prendere in giro
-2.5 = prendono in giro | per i fondelli | rompere le palle | rompe le palle | rotto le palle
-2.5 = bolletta pazza | bollette pazze | senza vergogna | addebito non autorizzato
-2.5 = non funziona niente | non funziona nulla | che cazzo | porco dio
-2.8 = che vergogna | per il culo | pubblicità ingannevole | rompere i coglioni
-2.8 = rotto i coglioni | rompe i coglioni | bella fregatura
-3.0 = fa schifo | fanno schifo | che schifo | fa cagare | fanno cagare | di merda
-3.0 = testa di cazzo | bella merda | da schifo
"""

# English words written as they are in Italian social media; VADER's own rating.
LOANWORDS = (
    "lol lmao rofl wtf wow cool fail scam fake hater haters ok okay nice sorry please thanks "
    "thx yay fuck fucked shit bullshit sucks love best worst win winner loser happy sad bad "
    "good great awesome amazing perfect boring hate lame fantastic xd haha hahaha"
).split()

# Emoji whose description VADER's lexicon does not read (or reads wrongly) for this meaning.
# fmt: off
EMOJI_OVERRIDES = {
    "🤬": -3.0, "😡": -2.8, "😠": -2.3, "🤮": -3.0, "🤢": -2.3, "💩": -2.0, "🙄": -1.3,
    "😤": -1.8, "👎": -2.0, "👍": 1.8, "👏": 1.8, "❤": 2.5, "😍": 3.0, "🤡": -1.5,
    "🤦": -1.8, "😒": -1.5, "😭": -1.8, "💪": 1.5, "🎉": 2.0, "🙏": 1.5, "😱": -1.5,
    "🥰": 2.8, "😘": 2.3, "🤩": 2.8, "😎": 1.5, "🥳": 2.5, "😢": -2.0, "😞": -2.0,
    "😔": -1.8, "😩": -2.0, "😫": -2.0, "🖕": -3.0, "😑": -1.0, "😐": -0.5, "🤔": -0.3,
    "🥲": 0.5, "😅": 0.8, "🤣": 2.0, "😂": 1.9, "💔": -2.5, "🔝": 2.0, "💯": 2.0,
    "✅": 1.0, "❌": -1.5, "⚠": -1.0, "🙌": 2.0, "🤝": 1.5, "🥺": -0.8, "😬": -1.0,
}
# fmt: on

# Invariable Italian laughter, normalized to this key by the tokenizer ("ahahah" -> "ahah").
LAUGHTER = {"ahah": 1.2}


def parse_table(table: str) -> list[tuple[str, list[str]]]:
    """'left = a b c' lines -> [(left, [a, b, c])]; blank lines skipped."""
    rows = []
    for n, line in enumerate(table.strip().splitlines(), 1):
        if not line.strip():
            continue
        left, sep, right = line.partition("=")
        if not sep:
            raise SystemExit(f"build_it_lexicon: table line {n}: missing '=': {line!r}")
        rows.append((left.strip(), right.split()))
    return rows


def _sup(valence: float) -> float:
    return math.copysign(min(MAX_VALENCE, abs(valence) + SUPERLATIVE_BOOST), valence)


def adjective_forms(lemma: str, valence: float) -> dict[str, float]:
    """Gender/number forms and -issimo superlatives of an Italian adjective."""
    if lemma.endswith(("co", "go")):
        stem, g = lemma[:-1], "h"
        forms = [lemma, stem + "a", stem + "hi", stem + "i", stem + "he"]
        sup_stem = stem + g
    elif lemma.endswith("io"):
        stem = lemma[:-2]
        forms = [lemma, stem + "ia", stem + "i", stem + "ie"]
        sup_stem = stem
    elif lemma.endswith("o"):
        stem = lemma[:-1]
        forms = [lemma, stem + "a", stem + "i", stem + "e"]
        sup_stem = stem
    elif lemma.endswith("e"):
        stem = lemma[:-1]
        forms = [lemma, stem + "i"]
        sup_stem = stem
    elif lemma.endswith("a"):  # egoista, ipocrita, entusiasta, ottimista
        stem = lemma[:-1]
        forms = [lemma, stem + "i", stem + "e"]
        sup_stem = None
    else:
        return {lemma: valence}
    out = {f: valence for f in forms}
    if sup_stem and valence != 0 and not lemma.endswith("issimo"):
        for ending in "oaie":
            out.setdefault(f"{sup_stem}issim{ending}", _sup(valence))
    return out


def noun_forms(lemma: str, valence: float) -> dict[str, float]:
    """Singular and plural of an Italian noun (regular patterns only)."""
    if lemma.endswith(("ca", "ga")):
        plurals = [lemma[:-1] + "he"]
    elif lemma.endswith(("ma", "ista", "ita", "ota", "ata")) and not lemma.endswith("zza"):
        plurals = [lemma[:-1] + "i", lemma[:-1] + "e"]
    elif lemma.endswith("a"):
        plurals = [lemma[:-1] + "e"]
    elif lemma.endswith(("co", "go")):
        plurals = [lemma[:-1] + "hi", lemma[:-1] + "i"]
    elif lemma.endswith("io"):
        plurals = [lemma[:-1]]
    elif lemma.endswith(("o", "e")):
        plurals = [lemma[:-1] + "i"]
    else:
        plurals = []
    return {f: valence for f in [lemma, *plurals]}


_ARE = (
    "o i a iamo ate ano ato ata ati ate ando avo ava avano arono erò erà eranno erei erebbe "
    "eremmo erebbero are"
)
_ERE = (
    "o i e iamo ete ono uto uta uti ute endo evo eva evano ette erò erà eranno erei erebbe "
    "eremmo erebbero ere a ano"
)
_IRE = (
    "o i e iamo ite ono ito ita iti ite endo ivo iva ivano irono irò irà iranno irei irebbe "
    "iremmo irebbero ire a ano"
)
_ISC = "isco isci isce iscono isca iscano"


def verb_forms(lemma: str, valence: float) -> dict[str, float]:
    """Regular conjugation of an Italian verb; irregular forms come from simplemma at runtime."""
    reflexive = lemma.endswith(("arsi", "ersi", "irsi"))
    infinitive = lemma[:-2] + "e" if reflexive else lemma
    stem, kind = infinitive[:-3], infinitive[-3:]
    endings = {"are": _ARE, "ere": _ERE, "ire": _IRE + " " + _ISC}.get(kind)
    if endings is None:
        return {lemma: valence}
    out: dict[str, float] = {}
    for ending in endings.split():
        base = stem
        if kind == "are" and ending[0] in "ie" and stem.endswith(("c", "g")):
            base = stem + "h"  # cercare -> cerchi, pagare -> paghiamo
        if ending[0] == "i" and base.endswith("i"):
            base = base[:-1]  # odiare -> odi, not odii
        if kind == "are" and ending[0] == "e" and base.endswith(("ci", "gi")):
            base = base[:-1]  # baciare -> bacerà, not bacierà
        out[base + ending] = valence
    if reflexive:
        out[lemma] = valence
        for clitic in ("mi", "ti", "si", "ci", "vi"):
            out[stem + kind[0] + "r" + clitic] = valence  # arrabbiarmi, lamentarti
    return out


EXPANDERS = {"a": adjective_forms, "n": noun_forms, "v": verb_forms}

# Generated forms that are, more often, another everyday word: "ricci" (curls, not the rich),
# "temi"/"tema" (themes, not "to fear"), "mente" (mind, not "lies"), "mora" (late-payment
# interest, not "dies"), "viola" (purple), "salvo" (except), "serie" (series), "lodo" (a law),
# "funzioni" (functions), "umili" (humble, not "humiliate"). Found by comparing each generated
# form's simplemma lemma with the lemma it was generated from.
BLOCKED_FORMS = frozenset(
    "ricci temi tema fiere stufe celebri mente menti mento menta mora more mori moro viola "
    "salvo serie lodo trade funzioni umili".split()
)


def expand(entry: str, valence: float) -> dict[str, float]:
    """'bello:a' -> all its forms with the valence; 'grazie' -> itself."""
    word, _, pos = entry.partition(":")
    word = word.replace("_", " ")
    if pos and pos not in EXPANDERS:
        raise SystemExit(f"build_it_lexicon: unknown part of speech {pos!r} in {entry!r}")
    return EXPANDERS[pos](word, valence) if pos else {word: valence}


def read_vader(path: Path) -> dict[str, float]:
    lex = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 2:
            lex[fields[0]] = float(fields[1])
    return lex


def emoji_valences(vader: dict[str, float]) -> dict[str, float]:
    """Each single-character emoji's valence: VADER's sum over its description's words."""
    out = {}
    path = VADER_DIR / "emoji_utf8_lexicon.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 2:
            continue
        emoji = fields[0].replace("\ufe0f", "")
        if len(emoji) != 1:  # skin tones and sequences reduce to their base emoji
            continue
        words = (w.strip(".,;:!?()").lower() for w in fields[1].split())
        valence = sum(vader.get(w, 0.0) for w in words)
        if valence:
            out[emoji] = round(max(-MAX_VALENCE, min(MAX_VALENCE, valence)), 2)
    for emoji, valence in EMOJI_OVERRIDES.items():
        out[emoji.replace("\ufe0f", "")] = valence
    return out


def emoticons(vader: dict[str, float]) -> dict[str, float]:
    """VADER's punctuation emoticons (":-)", "<3", ":(") carried over unchanged."""
    marks = set(":;=<>()[]{}|/\\^*_@$%&")
    return {k: v for k, v in vader.items() if any(c in marks for c in k)}


def build() -> tuple[dict[str, tuple[float, str, str]], list[str]]:
    """The lexicon as {token: (valence, source, lemma)} plus problems found in the tables."""
    vader = read_vader(VADER_DIR / "vader_lexicon.txt")
    lexicon: dict[str, tuple[float, str, str]] = {}
    problems: list[str] = []

    def add(forms: dict[str, float], source: str, lemma: str = "") -> None:
        for form, valence in forms.items():
            if _fold(form) in BLOCKED_FORMS and form != lemma:
                continue  # folded too: the analyzer reads "salvò" and "salvo" alike
            lexicon.setdefault(form.lower(), (round(valence, 2), source, lemma or form.lower()))

    for left, phrases in parse_table(PHRASES):
        for phrase in " ".join(phrases).split("|"):
            add({phrase.strip(): float(left)}, "phrase")
    for left, words in parse_table(CURATED):
        for word in words:
            add(expand(word, float(left)), "curated", _lemma(word))
    # An Italian word translating several English words takes their mean rating.
    ratings: dict[str, list[float]] = {}
    sources: dict[str, str] = {}
    for left, words in parse_table(FROM_ENGLISH):
        keys = left.split()
        missing = [k for k in keys if k not in vader]
        if missing:
            problems.append(f"FROM_ENGLISH: not in VADER's lexicon: {', '.join(missing)}")
            continue
        mean = sum(vader[k] for k in keys) / len(keys)
        for word in words:
            ratings.setdefault(word, []).append(mean)
            sources.setdefault(word, "en:" + "+".join(keys))
    for word, values in ratings.items():
        add(expand(word, sum(values) / len(values)), sources[word], _lemma(word))
    for word in LOANWORDS:
        if word not in vader:
            problems.append(f"LOANWORDS: not in VADER's lexicon: {word}")
            continue
        add({word: vader[word]}, "en:loanword")
    add(LAUGHTER, "curated")
    add(emoticons(vader), "vader:emoticon")
    add(emoji_valences(vader), "vader:emoji")
    return lexicon, problems


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _lemma(entry: str) -> str:
    return entry.partition(":")[0].replace("_", " ").lower()


def render(lexicon: dict[str, tuple[float, str, str]]) -> str:
    """VADER's file format (token, valence), then where the entry comes from and the lemma it
    was inflected from; the analyzer maps simplemma's lemmas only onto lemma entries."""
    lines = [
        f"{token}\t{valence:g}\t{source}\t{lemma}"
        for token, (valence, source, lemma) in sorted(lexicon.items())
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    lexicon, problems = build()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    text = render(lexicon)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale: run python tools/build_it_lexicon.py", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date ({len(lexicon)} entries)")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {len(lexicon)} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
