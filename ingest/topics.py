"""A multilingual taxonomy of integration topics with stable slugs, and a keyword tagger.

Each topic has keyword stems and short phrases in the library's languages. Text is
lowercased and accent-folded (Greek tonos too, final sigma as σ), and a stem matches the
start of a word ("wohn" -> Wohnung, "στεγ" -> στέγαση). In compounding languages (de, nl,
sv, fi, da) a long stem may also sit inside a word ("Sprachkurs" in
"Integrationssprachkurse"). Conventions in the keyword lists below:

    word$       the whole word only ("rent$" is not "rental"... nor "rentier")
    ~word       a weak cue, worth half a hit ("work", "care", "language")
    two words   a phrase: each word is a stem of the next token ("guichet unique")

A topic is assigned when its weighted hits reach `min_hits` and, for long texts, a
density threshold, so that a passage about housing gets housing, not every topic.
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict
from typing import NamedTuple

from praxis.ingest.cities import fold

TOPICS: dict[str, str] = {
    "housing": "Housing",
    "education": "Education",
    "employment": "Employment",
    "language-learning": "Language learning",
    "health": "Health",
    "anti-discrimination": "Anti-discrimination and anti-racism",
    "participation": "Civic and political participation",
    "intercultural-dialogue": "Intercultural dialogue",
    "reception": "Reception of refugees and newcomers",
    "public-narrative": "Public narrative and communication",
    "entrepreneurship": "Entrepreneurship",
    "governance": "Governance and coordination",
    "one-stop-shop": "One-stop shops and information services",
    "mentoring": "Mentoring (city-to-city)",
    "women": "Women",
    "youth": "Youth",
    "social-services": "Social services",
}

# Other names people and catalogues use for the topics (folded, hyphens as spaces).
_ALIASES: dict[str, str] = {
    "anti racism": "anti-discrimination", "antiracism": "anti-discrimination",
    "racism": "anti-discrimination", "discrimination": "anti-discrimination",
    "non discrimination": "anti-discrimination", "equality": "anti-discrimination",
    "language": "language-learning", "languages": "language-learning",
    "language courses": "language-learning", "language training": "language-learning",
    "jobs": "employment", "labour market": "employment", "work": "employment",
    "integration into the labour market": "employment",
    "refugees": "reception", "refugee reception": "reception", "newcomers": "reception",
    "asylum": "reception", "welcome": "reception",
    "communication": "public-narrative", "narrative": "public-narrative",
    "campaigns": "public-narrative", "public narratives": "public-narrative",
    "civic participation": "participation", "political participation": "participation",
    "dialogue": "intercultural-dialogue", "interculturalism": "intercultural-dialogue",
    "diversity": "intercultural-dialogue", "social cohesion": "intercultural-dialogue",
    "business": "entrepreneurship", "entrepreneurs": "entrepreneurship",
    "coordination": "governance", "policy": "governance", "strategy": "governance",
    "one stop shop": "one-stop-shop", "one stop shops": "one-stop-shop",
    "information": "one-stop-shop", "information services": "one-stop-shop",
    "city to city mentoring": "mentoring", "peer learning": "mentoring",
    "gender": "women", "young people": "youth", "children": "youth",
    "social work": "social-services", "welfare": "social-services",
    "healthcare": "health", "health care": "health", "schools": "education",
    "accommodation": "housing",
}

# slug -> language -> "|"-separated keywords (see the module doc for the notation).
_KEYWORDS: dict[str, dict[str, str]] = {
    "housing": {
        "en": "housing|homeless|dwelling|tenant|landlord|apartment|rent$|rents$|rental|"
              "~accommodation|social housing|segregat",
        "de": "wohnung|wohnraum|wohnen|wohnheim|wohnungslos|unterkunft|unterkunfte|"
              "unterbringung|obdachlos|miete$|mieten$|mieter|sozialwohnung",
        "fr": "logement|loger$|hebergement|locatai|loyer|sans abri|habitat|hlm$",
        "es": "vivienda|alojamiento|alquiler|sin hogar|chabol|infravivienda",
        "it": "abitativ|abitazion|alloggi|affitto|senza dimora|emergenza abitativa|housing",
        "nl": "huisvest|woning|woonruimte|huurwoning|huur$|dakloos|onderdak|wonen$",
        "el": "στεγ|κατοικια|κατοικιων|ενοικ|διαμερισμ|αστεγ|καταλυμ",
        "fi": "asunto|asunno|asumi|asuin|vuokra|koditon|asunnottom",
        "pl": "mieszkani|mieszkaniow|czynsz|bezdomn|zakwaterowan|lokal mieszk",
        "sv": "bostad|bostader|boende|hyres|hemlos|bostadslos",
        "pt": "habitac|moradia|alojamento|arrendament|sem abrigo",
        "lv": "majokl|dzivokl|ires",
    },
    "education": {
        "en": "educat|school|pupil|teacher|kindergarten|early childhood|classroom|curricul|"
              "~student",
        "de": "bildung|schule|schul|schuler|kita$|kitas$|kindergart|lehrer|~unterricht",
        "fr": "educat|scolar|ecole|eleve|enseign|creche",
        "es": "educa|escuela|escolar|alumn|profesor|colegio|guarderia",
        "it": "istruzion|scuol|scolast|educa|alunn|insegnant|~student",
        "nl": "onderwijs|school|scholen|leerling|leraar|leerkracht|educatie|~opleiding",
        "el": "εκπαιδευ|σχολει|σχολικ|μαθητ|εκπαιδευτικ|νηπιαγωγ|φοιτητ",
        "fi": "koulu|opetus|opetuk|perusopetu|esiopetu|varhaiskasvatu|oppila|opettaj",
        "pl": "edukac|szkol|uczni|uczen|nauczyciel|oswiat|przedszkol",
        "sv": "utbildning|skola|skolan|skolor|elev|forskol|undervisning",
        "pt": "educa|escola|escolar|alun|professor",
        "lv": "izglit|skola|skolas|skolen|skolotaj",
    },
    "employment": {
        "en": "employ|job$|jobs$|jobseeker|labour market|labor market|vocational|unemploy|"
              "career|recruit|workplace|internship|apprentice|~work$|~worker",
        "de": "beschaftig|arbeitsmarkt|arbeitslos|arbeitsplatz|arbeitsplatze|arbeitnehm|"
              "arbeitgeb|arbeitssuch|erwerbs|beruf|jobcenter|job$|jobs$|~arbeit$|~ausbildung",
        "fr": "emploi|chomage|embauche|insertion professionnelle|marche du travail|"
              "recherche d emploi|~travail|~professionnel",
        "es": "empleo|laboral|desemple|mercado de trabajo|trabajo$|puestos de trabajo|"
              "~trabaj|ocupacional",
        "it": "occupazion|impieg|lavoro$|lavorativ|mercato del lavoro|disoccup|~lavor",
        "nl": "werkgever|werkloos|werkzoek|werkervaring|arbeidsmarkt|arbeid$|baan$|banen$|"
              "betaald werk|~werk$",
        "el": "απασχολ|ανεργ|εργασια|εργασιασ|θεσεισ εργασιασ|αγορα εργασιασ|επαγγελματ",
        "fi": "tyollis|tyoelam|tyopaik|tyoton|tyottom|tyonhak|te palvelu|tyo$|tyon$|tyota$|"
              "ammatill",
        "pl": "zatrudn|rynek pracy|rynku pracy|bezroboc|praca$|pracy$|zawodow",
        "sv": "arbetsmarknad|arbetslos|sysselsatt|jobb|anstall|arbete$|arbetet$",
        "pt": "emprego|desemprego|mercado de trabalho|trabalho$|~trabalh",
        "lv": "nodarbin|bezdarb|darba tirg|darbs$|darba$",
    },
    "language-learning": {
        "en": "learn german|learn english|learn french|german course|german lesson|"
              "english course|english lesson|language course|language learning|language skill|language class|language lesson|"
              "language tuition|language training|language support|language acquisition|"
              "learn the language|learning the language|second language|mother tongue|literacy|"
              "bilingual|esol$|~language",
        "de": "sprachkurs|sprachforder|sprachunterricht|sprachkenntnis|sprachlern|deutschkurs|"
              "integrationskurs|muttersprach|alphabetis|~sprach",
        "fr": "cours de langue|apprentissage du francais|langue francaise|fle$|alphabetis|"
              "linguistique|~langue",
        "es": "clases de espanol|clases de castellano|aprendizaje del idioma|alfabetiz|"
              "~idioma|~lengua|castellano",
        "it": "lingua italiana|corsi di lingua|corso di lingua|alfabetizz|~lingua|"
              "italiano per stranieri",
        "nl": "taal|nt2$|~inburgering",
        "el": "γλωσσ|ελληνομαθ|μαθηματα ελληνικων",
        "fi": "kieli$|kielen$|kielit|kielik|kielten|suomen kiel|suomi toisena|~kotoutumiskoulutu",
        "pl": "jezyk|kurs jezyk|nauka jezyk|jezyka polskiego",
        "sv": "sprak|sfi$|svenska for invandrare|modersmal",
        "pt": "lingua|curso de portugues|~idioma",
        "lv": "valod|latviesu valod",
    },
    "health": {
        "en": "health|medical|hospital|doctor|psycholog|trauma|clinic|nurse|vaccin|~care$",
        "de": "gesundheit|medizin|arzt|arzte|krankenhaus|krankenversich|psycholog|trauma|"
              "~pflege",
        "fr": "sante$|medic|soins$|hopital|psycholog|medecin|trauma",
        "es": "salud|sanitar|medic|hospital|psicolog|ambulatorio|trauma",
        "it": "salute|sanitar|medic|ospedal|psicolog|trauma",
        "nl": "gezondheid|huisarts|medisch|ggz$|ziekenhuis|psycholog|trauma|~zorg",
        "el": "υγει|ιατρ|νοσοκομ|ψυχολογ|υγειονομ|τραυμα",
        "fi": "tervey|neuvola|laakar|sairaal|mielenterv|psykolog",
        "pl": "zdrow|lekarz|szpital|medycz|psycholog",
        "sv": "halsa|halso|sjukvard|lakare|psykolog|vardcentral",
        "pt": "saude|medic|hospital|sanitar|psicolog",
        "lv": "veselib|arst|slimnic",
    },
    "anti-discrimination": {
        "en": "discriminat|racis|antiracis|xenophob|hate speech|hate crime|prejudic|stereotyp|"
              "rumour|rumor|antirumour|equal treatment|islamophob|antisemit|intoleran",
        "de": "diskrimin|rassis|fremdenfeindlich|vorurteil|gleichbehandl|hassrede|hetze",
        "fr": "discrimin|racis|xenophob|prejuge|stereotyp|rumeur|haine",
        "es": "discrimin|racis|xenofob|prejuicio|estereotip|rumor|antirumor|odio$",
        "it": "discrimin|razzis|xenofob|pregiudiz|stereotip|diceri|odio$",
        "nl": "discrimin|racis|vooroordel|gelijke behandeling|haat",
        "el": "διακρισ|ρατσισ|ξενοφοβ|μισουσ|προκαταληψ|στερεοτυπ|ισησ μεταχειρ",
        "fi": "syrjin|rasism|ennakkoluul|~yhdenvertais",
        "pl": "dyskrymin|rasizm|rasist|ksenofob|nienawisc|uprzedzen|stereotyp",
        "sv": "diskrimin|rasism|rasist|framlingsfientl|fordom|hatbrott",
        "pt": "discrimin|racism|xenofob|preconceit|estereotip|odio$",
        "lv": "diskrimin|rasism|naids|naida|stereotip",
    },
    "participation": {
        "en": "civic participation|political participation|participatory|civic|voting|vote$|"
              "election|advisory council|advisory board|volunteer|empower|co creat|"
              "~participation|~citizen|~engagement|~consultation",
        "de": "partizip|beteiligung|burgerbeteilig|ehrenamt|mitwirk|wahlrecht|integrationsrat|"
              "beirat|mitbestimm|~engagement|~teilhabe",
        "fr": "participation citoyenne|participati|benevol|conseil consultatif|vote$|"
              "~citoyen|~engagement",
        "es": "participacion|participativ|voluntari|consejo municipal|mesa de|~ciudadan",
        "it": "partecipazion|partecipativ|volontari|consulta|~cittadinanza",
        "nl": "participatie|inspraak|vrijwillig|burgerschap|~betrokken",
        "el": "συμμετοχ|εθελοντ|ψηφ|συμβουλιο ενταξησ|συμβουλευτικο οργανο|εκπροσωπ",
        "fi": "osallis|osallistu|vapaaehto|vaikuttami",
        "pl": "partycyp|wolontar|rada|~uczestni|~obywatel",
        "sv": "delaktig|deltag|medborgar|frivillig|inflytande",
        "pt": "participac|participativ|voluntari|~cidadania",
        "lv": "lidzdalib|pilsonisk|brivpratig",
    },
    "intercultural-dialogue": {
        "en": "intercultur|dialogue|social cohesion|cohesion|coexist|multicultur|interfaith|"
              "interreligious|living together|~diversity|~festival",
        "de": "interkultur|dialog|zusammenleben|begegnung|multikultur|zusammenhalt|~vielfalt",
        "fr": "intercultur|dialogue|vivre ensemble|cohesion|~diversite|~rencontre",
        "es": "intercultur|dialogo|convivencia|cohesion|~diversidad",
        "it": "intercultur|dialogo|convivenza|coesione|~diversita",
        "nl": "intercultur|dialoog|samenleven|ontmoeting|~diversiteit",
        "el": "διαπολιτισμ|διαλογ|πολυπολιτισμ|συνυπαρξ|κοινωνικη συνοχ|~διαφορετικοτ",
        "fi": "kulttuurienvalis|monikulttuur|dialogi|~vuorovaikutu|~moninaisuu",
        "pl": "miedzykultur|dialog|wielokultur|~roznorodn",
        "sv": "interkultur|dialog|samexist|sammanhall|~mangfald",
        "pt": "intercultur|dialogo|convivencia|coesao|~diversidade",
        "lv": "starpkultur|dialog|~daudzveidib",
    },
    "reception": {
        "en": "refugee|asylum|newcomer|new arrival|newly arrived|reception|resettle|"
              "unaccompanied|arrival|~welcome",
        "de": "fluchtling|gefluchtet|asyl|neuzugewandert|zugewandert|ankommen|ankunft|"
              "erstaufnahme|aufnahme|~willkommen",
        "fr": "refugi|asile|primo arriv|accueil|demandeur d asile|nouveaux arrivants|"
              "nouvel arrivant",
        "es": "refugiad|asilo|acogida|recien llegad|recepcion|solicitante",
        "it": "rifugiat|richiedent|accoglienza|protezione internazionale|nuovi arrivati|sprar$|"
              "~asil",
        "nl": "vluchteling|asiel|statushouder|nieuwkomer|opvang|azc$|~inburgering",
        "el": "προσφυγ|ασυλ|υποδοχ|νεοεισερχομ|αιτουντ|φιλοξενι|νεοαφιχθ",
        "fi": "pakolai|turvapaik|vastaanot|kiintiopakolai|paluumuutt",
        "pl": "uchodzc|azyl|przyjmowan|przybysz",
        "sv": "flykting|asyl|mottagand|nyanland|bosattning",
        "pt": "refugiad|asilo|acolhiment|recem chegad",
        "lv": "begl|patver|jaunpienac",
    },
    "public-narrative": {
        "en": "narrative|campaign|communicat|media$|public opinion|perception|awareness|myth|"
              "rumour|storytelling|social media|~image|~video|~press",
        "de": "kampagne|kommunikat|offentlichkeit|medien|narrativ|wahrnehm|~image",
        "fr": "campagne|communicat|media|recit|sensibilis|opinion publique|~image|~presse",
        "es": "campana|comunicac|medios de|narrativ|sensibiliz|opinion publica|rumor",
        "it": "campagn|comunicaz|media$|narrazion|sensibilizz|opinione pubblica|diceri",
        "nl": "campagne|communicat|media$|beeldvorming|narratief|bewustwording",
        "el": "εκστρατει|επικοινων|μμε$|αφηγημ|ευαισθητοποι|κοινη γνωμη",
        "fi": "kampanj|viestin|media|mielikuv|tietoisuu",
        "pl": "kampani|komunikac|media|narrac|wizerun|swiadomosc|opinia publiczn",
        "sv": "kampanj|kommunikat|media|berattels|opinion",
        "pt": "campanha|comunicac|media$|narrativ|sensibiliz",
        "lv": "kampan|komunikac|mediji|sabiedribas uztver",
    },
    "entrepreneurship": {
        "en": "entrepreneur|start up|startup|self employ|small business|founder|microcredit|"
              "~business|~enterprise",
        "de": "grunder|grundung|existenzgrund|selbststandig|selbstandig|unternehmer|startup|"
              "~unternehmen",
        "fr": "entrepreneur|creation d entreprise|auto entrepreneur|start up|createur|"
              "~entreprise",
        "es": "emprend|autoemple|autonomo|~empresa",
        "it": "imprendit|startup|autoimpiego|lavoro autonomo|~impresa",
        "nl": "ondernem|zzp$|zelfstandig|startup|~bedrijf",
        "el": "επιχειρηματ|αυτοαπασχολ|startup|~επιχειρησ",
        "fi": "yrittaj|yritys|yrityks|yritta|startup|liiketoim",
        "pl": "przedsiebiorc|dzialalnosc gospodarcz|startup|~firm",
        "sv": "entreprenor|egenforetag|nyforetag|~foretag",
        "pt": "empreend|startup|~empresa",
        "lv": "uznemej|uznemum",
    },
    "governance": {
        "en": "governance|coordinat|strateg|action plan|integration plan|steering|mainstream|"
              "multi level|cross department|monitoring|~policy|~policies|~administration|"
              "~framework|~department",
        "de": "koordin|strategie|steuerung|konzept|leitbild|verwaltung|gesamtstadtisch|"
              "handlungskonzept|integrationsplan|querschnitt|monitoring|~netzwerk|~gemeinderat",
        "fr": "gouvernance|coordinat|strategi|plan d action|pilotage|~administration|~politique",
        "es": "gobernanza|coordinac|estrateg|plan de integracion|plan municipal|transversal|"
              "~plan$|~politica",
        "it": "governance|coordinament|strateg|programmazion|~piano|~rete|~tavolo",
        "nl": "coordinatie|regie|strategie|~beleid|~bestuur",
        "el": "διακυβερν|συντονισ|στρατηγικ|σχεδιο δρασ|σχεδια δρασ|θεσμικ|~πολιτικη ενταξ",
        "fi": "koordin|strategi|toimenpideohjelm|johtami|hallinno|seuranta|~ohjelma",
        "pl": "koordynac|strategi|zarzadz|~polityk|~samorzad",
        "sv": "samordn|styrning|strategi|handlingsplan|forvaltning",
        "pt": "governanc|coordenac|estrateg|plano de acao",
        "lv": "koordin|strateg|parvaldib|ricibas plan",
    },
    "one-stop-shop": {
        "en": "~information|~orientation|one stop|single point|info point|information centre|information center|"
              "information service|information point|helpdesk|help desk|advice centre|drop in|"
              "welcome centre|contact point|first port of call|~guidance|~counselling|~advice",
        "de": "~information|~orientierung|anlaufstelle|beratungsstelle|servicestelle|informationsstelle|welcome center|"
              "clearingstelle|~beratung",
        "fr": "~informer|~informati|guichet unique|point d information|point de contact|bureau d accueil|"
              "permanence|~orientation|~accompagnement",
        "es": "~informacion|~informar|ventanilla unica|punto de informacion|oficina de atencion|servicio de informacion|"
              "asesoramiento|~orientacion",
        "it": "~informazion|sportello|punto unico|punto informativo|centro servizi|~orientamento",
        "nl": "~informatie|loket|informatiepunt|steunpunt|aanspreekpunt|spreekuur|wegwijs",
        "el": "~πληροφορ|μιασ στασησ|σημειο πληροφορ|κεντρο πληροφορ|~συμβουλευτικ|~ενημερωσ",
        "fi": "~tietoa|~perustiedo|neuvonta|neuvontapiste|palvelupiste|infopiste|yhden luukun|~ohjaus",
        "pl": "~informac|punkt informac|punkt konsultac|doradztw|centrum informac|okienko",
        "sv": "~information|informationscent|radgivning|motesplats|servicecent",
        "pt": "~informac|balcao unico|ponto de informacao|gabinete de apoio",
        "lv": "~informacij|informacijas centr|konsultac|vienas pieturas",
    },
    "mentoring": {
        "en": "mentor|mentee|buddy|peer learning|twinning|study visit|exchange of experience|"
              "knowledge exchange|city to city|mentoring pair|~transfer|~coach|~peer",
        "de": "mentor|patenschaft|pate$|paten$|tandem|lotsen|erfahrungsaustausch|"
              "stadtepartnerschaft",
        "fr": "mentor|parrain|tutorat|jumelage|echange d experience|binome",
        "es": "mentor|tutor|hermanamiento|intercambio de experiencias|padrin",
        "it": "mentor|tutor|gemellaggio|scambio di esperienz",
        "nl": "mentor|maatje|buddy|~uitwisseling|~coach",
        "el": "μεντορ|καθοδηγ|ανταλλαγη γνωσ|ανταλλαγησ γνωσ|ανταλλαγη εμπειρ|αδελφοποι",
        "fi": "mentor|kummi|vertaistuk|ystavatoimint",
        "pl": "mentor|tutor|wymian|~partnerstw|~siec",
        "sv": "mentor|fadder|erfarenhetsutbyte",
        "pt": "mentor|tutor|geminac|intercambio",
        "lv": "mentor|pieredzes apmain",
    },
    "women": {
        "en": "women|woman|female|gender|mothers|mother$|girls|maternity|domestic violence|"
              "feminis",
        "de": "frauen|madchen|mutter$|muttern$|gender|geschlecht|~frau$",
        "fr": "femme|mere$|meres$|filles$|egalite femmes|~genre",
        "es": "mujer|madre|ninas$|violencia de genero|~genero",
        "it": "donne|donna|madri|ragazze|~genere",
        "nl": "vrouw|moeder|meisje|gender",
        "el": "γυναικ|μητερ|κοριτσ|~φυλου",
        "fi": "naiset|naisten|naisille|aiti|tytot|tytoille",
        "pl": "kobiet|matk|dziewczyn",
        "sv": "kvinn|modrar|flickor|jamstalld",
        "pt": "mulher|maes$|raparig|~genero",
        "lv": "sieviet|mates$|meiten",
    },
    "youth": {
        "en": "youth|young people|young migrants|young refugees|child|adolescen|teenage|"
              "minors$|juvenile|~young|~pupil",
        "de": "jugend|kinder|kind$|minderjahrig|~junge",
        "fr": "jeune|enfant|adolescen|mineur",
        "es": "joven|jovenes|juvenil|nino|ninos|infancia|menores|adolescen",
        "it": "giovan|minori|bambin|ragazz|adolescen",
        "nl": "jongere|jeugd|kinderen|kind$|~jong",
        "el": "νεολαι|νεοι$|νεουσ$|νεων$|παιδι|εφηβ|ανηλικ",
        "fi": "nuor|lapsi|lapset|lasten|lapsiperhe|lapsille",
        "pl": "mlodziez|mlodych|mlodzi|dzieci|nieletni",
        "sv": "ungdom|unga$|barn$|barnen",
        "pt": "jovens|jovem|juventude|crianc|menores",
        "lv": "jauniesi|jaunatn|berni|bernu",
    },
    "social-services": {
        "en": "social services|social service|social work|social worker|social assistance|"
              "welfare|social support|case management|family support|elderly|~benefit",
        "de": "sozialarbeit|sozialamt|sozialdienst|sozialleistung|jugendamt|betreuung|"
              "fursorge|sozialberatung|~sozial",
        "fr": "action sociale|aide sociale|cpas$|assistant social|assistante sociale|"
              "services sociaux|travailleur social|accompagnement social|demarches sociales",
        "es": "servicios sociales|trabajador social|trabajadora social|asistencia social|"
              "bienestar social|~prestacion",
        "it": "servizi sociali|assistente social|servizio sociale|welfare|~assistenza",
        "nl": "maatschappelijk werk|sociale dienst|welzijn|wijkteam|uitkering|bijstand",
        "el": "κοινωνικη υπηρεσ|κοινωνικεσ υπηρεσ|κοινωνικη εργασ|κοινωνικ λειτουργ|προνοι|"
              "κοινωνικη στηριξ|κοινωνικησ στηριξησ|~ευαλωτ",
        "fi": "sosiaali|hyvinvoin|toimeentulo|ikaihmis",
        "pl": "pomoc spoleczn|opieka spoleczn|pracownik socjaln|mops$|~socjaln",
        "sv": "socialtjanst|socialsekreterar|bistand|socialt arbete",
        "pt": "servico social|servicos sociais|assistencia social|acao social",
        "lv": "socialais dienest|sociala palidzib|socialie pakalpoj",
    },
}

# More general integration-policy vocabulary per topic and language (issue 11: the taxonomy is
# the strongest language-neutral search signal, and a query in a language it barely covers gets
# no topic at all). Written from the field's common vocabulary (EU integration action plans,
# national integration programmes), never from the sample library's titles or the eval queries.
_MORE_KEYWORDS: dict[str, dict[str, str]] = {
    "housing": {
        "en": "flat$|flats$|tenancy|residential|neighbourhood segregation|affordable housing|shelter",
        "de": "wohnungsmarkt|wohnsitz|wohnviertel|segregation|mietwohn|wohnungssuch",
        "fr": "appartement|quartier prioritaire|segregation|locati",
        "es": "piso$|pisos$|segregacion|barrio|arrendamiento",
        "it": "casa$|case popolari|segregazion|quartier",
        "nl": "woonwijk|segregatie|huurder|sociale huur|woningmarkt|woningcorporatie",
        "el": "σπιτι|σπιτια|οικιστικ|γκετο|διαχωρισμ|στεγαστικ|οικια",
        "fi": "asuntola|vuokra-asun|asuinalue|segregaatio|eriytymi|kotikunta|asuntopol",
        "pl": "mieszkan|mieszkaln|lokal$|lokali$|osiedl|segregac|najem|najmu|wynajm|dach nad glowa",
        "sv": "bostadssegregation|bostadsomrad|hyresratt|lagenhet|boendesegregation|segregation|bostadsmarknad",
        "pt": "casa$|bairro|segregac",
    },
    "education": {
        "en": "pupils|schooling|preschool|early education|adult education|university|students$|school belonging",
        "de": "schulpflicht|grundschul|hochschul|studier|lernend|bildungsweg|schulsozial",
        "fr": "etudiant|universit|college$|lycee|scolarite",
        "es": "estudiant|universidad|instituto$|escolariz",
        "it": "studenti|universita|scolarizz",
        "nl": "student|universiteit|basisschool|voortgezet onderwijs|kinderopvang|leerplicht",
        "el": "σχολειο|σχολεια|μαθητε|μαθητων|μαθητρι|πανεπιστημ|φοιτη|νηπια|δασκαλ|εκπαιδευση",
        "fi": "koulut|koulun|koulussa|koululai|oppilait|opiskelij|yliopist|lukio|oppivelvoll",
        "pl": "szkola|szkole|szkoly|szkolni|uczniow|uczniami|studenc|student|uniwersytet|ksztalc|wychowa",
        "sv": "skolgang|grundskol|gymnasi|elever|studier|universitet|larare|pedagog",
        "pt": "estudant|universidad|escolariz",
    },
    "employment": {
        "en": "labour|skills recognition|recognition of qualifications|qualification|employability|"
              "jobcentre|job centre|talent|skilled worker|skilled migrant|international talent|workforce|hiring",
        "de": "fachkraft|fachkrafte|anerkennung|qualifikation|berufsabschl|arbeitskraft|talent|arbeitnehmer",
        "fr": "competences|qualification|reconnaissance des diplomes|main d oeuvre|talent|salarie",
        "es": "cualificac|homologac|competencias|talento|mano de obra|contratac",
        "it": "qualifica|riconoscimento dei titoli|competenze|talent|manodopera|assunzion",
        "nl": "werkgelegenheid|werkzoekend|vakkracht|kennismigrant|talent|diploma erkenning|arbeidsmigrant|werknemer|inkomen",
        "el": "εργαζομεν|εργοδοτ|δεξιοτητ|προσοντ|ταλεντ|εργατικ|ανεργια|κατάρτιση|καταρτιση",
        "fi": "tyonteki|tyonantaj|osaaj|ammattitaito|tutkinnon tunnustami|tyoperai|tyovoim|kansainvalinen osaa|tyomarkkin|talentti",
        "pl": "pracownik|pracownikow|pracodaw|kwalifikac|umiejetnosc|talent|zatrudnien|praca|pracy|pracuj",
        "sv": "arbetskraft|kompetens|arbetsgivar|validering|yrkes|talang|anstallning|arbetsformedling|praktik",
        "pt": "qualificac|competencias|talento|mao de obra",
    },
    "language-learning": {
        "en": "language school|language teacher|conversation group|language cafe|language café|reading and writing|"
              "native language|home language|multilingual|translat|interpret",
        "de": "deutsch lernen|sprachcafe|sprachpat|mehrsprach|ubersetz|dolmetsch|herkunftssprach|deutschunterricht",
        "fr": "apprendre le francais|francais langue|multiling|traduct|interpret|langue maternelle",
        "es": "aprender espanol|lengua materna|multiling|traduc|interpret",
        "it": "imparare l italiano|lingua madre|multiling|traduz|interpret|mediazione linguistica",
        "nl": "taalles|taalcursus|taalcafe|taalmaatje|meertalig|vertal|tolk|moedertaal|nederlands leren",
        "el": "γλωσσα|γλωσσικ|μητρικη γλωσσ|πολυγλωσσ|μεταφρασ|διερμην|ελληνικα|μαθηματα γλωσσ",
        "fi": "kielikurssi|kielenopetu|kielitaito|aidinkiel|oma aidinkiel|monikielis|kaanno|tulk|suomen opetu|kielikahvila|ruotsin kiel",
        "pl": "jezyk polski|jezyka|jezykow|jezykowy|jezykowych|kurs polskiego|lekcje jezyka|ojczyst|wielojezycz|tlumacz",
        "sv": "sprakkurs|sprakundervisning|spraktrad|sprakcafe|flersprak|tolk|oversatt|svenska som andrasprak|lara sig svenska",
        "pt": "lingua materna|multiling|traduc|interpret",
    },
    "health": {
        "en": "mental health|wellbeing|well being|healthcare|primary care|health insurance|psychosocial|gp$",
        "de": "psychisch|psychosozial|gesundheitsversorg|wohlbefind|hausarzt",
        "fr": "sante mentale|psychosocial|bien etre|couverture maladie",
        "es": "salud mental|psicosocial|bienestar|atencion primaria",
        "it": "salute mentale|psicosocial|benessere|assistenza sanitaria",
        "nl": "geestelijke gezondheid|psychosociaal|welbevinden|zorgverzeker|gezondheidszorg",
        "el": "ψυχικη υγει|ψυχοκοινωνικ|ευεξια|περιθαλψ|φαρμακ",
        "fi": "terveyspalvel|hyvinvointi|psykososiaal|mielenterveys|terveydenhuol",
        "pl": "zdrowie|zdrowia|opieka zdrowotn|zdrowie psychiczn|psychospoleczn|ubezpieczen zdrowotn|przychodni",
        "sv": "psykisk halsa|psykosocial|valbefinn|halsovard|vardcentral",
        "pt": "saude mental|psicossocial|bem estar",
    },
    "anti-discrimination": {
        "en": "inclusion|equal opportunit|human rights|hate|bias|exclusion|anti rumour|rumours",
        "de": "chancengleich|menschenrecht|ausgrenz|antidiskrimin|gleichstell|gerucht",
        "fr": "egalite des chances|droits de l homme|exclusion|antiracis|inclusion",
        "es": "igualdad de oportunidades|derechos humanos|exclusion|inclusion|bulos",
        "it": "pari opportunita|diritti umani|esclusione|inclusione|antirazzis",
        "nl": "gelijke kansen|mensenrechten|uitsluiting|inclusie|antiracis|geruchten|roddel",
        "el": "φημ|αποκλεισμ|ανθρωπινα δικαιωμ|ισοτητ|συμπεριληψ|μισοσ|ρατσιστικ",
        "fi": "rasismi|syrjinta|yhdenvertaisuu|ihmisoikeu|syrjayty|osallisuu|vihapuhe|huhu|ennakkoluulo",
        "pl": "rownosc|rownego traktowan|prawa czlowieka|wykluczen|inkluzj|mowa nienawisci|plotk",
        "sv": "likabehandling|mansklig rattighet|utanforskap|inkludering|antirasis|rykte|ryktes",
        "pt": "igualdade de oportunidades|direitos humanos|exclusao|inclusao",
    },
    "participation": {
        "en": "volunteering|volunteers|self organisation|self organization|migrant organisations|"
              "community organisation|diaspora|grassroots|representation|advocacy|civil society|ngo$|ngos$",
        "de": "freiwillig|selbstorganisation|migrantenorganisation|zivilgesellschaft|vereine|verein$|burgerschaft",
        "fr": "volontari|auto organisation|associations de migrants|societe civile|association|representation",
        "es": "autoorganizac|asociaciones de migrantes|sociedad civil|asociacion|representacion|voluntariado",
        "it": "autorganizzazion|associazioni di migranti|societa civile|associazion|rappresentanz|volontariato",
        "nl": "zelforganisatie|migrantenorganisatie|vrijwilliger|vrijwilligerswerk|maatschappelijk middenveld|vereniging",
        "el": "αυτοοργανω|οργανωσεισ μεταναστ|κοινοτητ|κοινωνια των πολιτ|συλλογ|σωματει|ΜΚΟ$|μκο$|συνηγορ",
        "fi": "vapaaehtoistyo|vapaaehtois|jarjesto|yhdistys|yhdistyks|itseorganis|kansalaisyhteiskun|kansalaistoimin|maahanmuuttajajarjest",
        "pl": "wolontariusz|wolontariat|organizacje pozarzadow|organizacji pozarzadow|stowarzysz|spoleczenstwo obywatel|samoorganiz|diaspor|zaangazowan|partycypac",
        "sv": "frivilligarbete|volontar|foreningsliv|forening|civilsamhall|sjalvorganis|idéburen|ideburen",
        "pt": "voluntariado|associac|sociedade civil|auto organizac",
    },
    "intercultural-dialogue": {
        "en": "intercultural city|cultural diversity|~culture|~arts$|~sport|~religio|encounter|neighbours|togetherness",
        "de": "~kultur|~kunst|~sport|~religio|nachbarschaft",
        "fr": "~culture|~culturel|~sport|~religi|voisin",
        "es": "~cultura|~cultural|~deporte|~religi|vecin",
        "it": "~cultura|~culturale|~sport|~religio|vicinato",
        "nl": "~cultuur|~cultureel|~sport|~religi|buurt|ontmoet",
        "el": "~πολιτισμ|~πολιτιστικ|~αθλητ|~θρησκ|γειτον",
        "fi": "~kulttuur|~urheil|~liikun|~uskon|naapur|kohtaami|yhteiso",
        "pl": "~kultur|~sport|~religi|sasiedz|spolecznos",
        "sv": "~kultur|~idrott|~religi|grannskap|moten$",
        "pt": "~cultura|~desporto|~religi|vizinh",
    },
    "reception": {
        "en": "migrant|immigrant|third country national|displaced|arrivals|welcome culture|unaccompanied minor|"
              "separated children|first reception|integration programme|induction|orientation course",
        "de": "schutzsuch|unbegleitet|willkommenskultur|neuankomm|vertrieben|ankunftszentr",
        "fr": "mineurs non accompagnes|exile|deplace|primo arrivant",
        "es": "menores no acompanados|desplazad",
        "it": "minori stranieri non accompagnati|msna$|sfollat",
        "nl": "alleenstaande minderjarige|amv$|inburgeraar|nieuwkomers|asielzoeker",
        "el": "ασυνοδευτ|αιτουντεσ ασυλο|εκτοπισ|αφιξ|νεοφερμεν|καταυλισμ|δομεσ φιλοξενι",
        "fi": "ilman huoltajaa|alaikaiset turvapaik|vastaanottokesk|tulokas",
        "pl": "uchodzcy|uchodzcow|przybyl|przyjazd|nieletni bez opieki",
        "sv": "ensamkommande|nyanlanda|asylsokand|etablering|flyktingmottagande",
        "pt": "menores nao acompanhados|deslocad",
    },
    "public-narrative": {
        "en": "image of the city|city branding|branding|positive narrative|public debate|news|press release|newsletter",
        "de": "offentlichkeitsarbeit|stadtmarketing|image|debatte|willkommenskampagne|berichterstatt",
        "fr": "image de la ville|debat public|marketing territorial",
        "es": "imagen de la ciudad|debate publico|marca ciudad",
        "it": "immagine della citta|dibattito pubblico|marketing territoriale",
        "nl": "imago|publiek debat|stadsmarketing|campagnes",
        "el": "εικονα τησ πολησ|δημοσιοσ διαλογοσ|ειδησεισ|δελτιο τυπου|αφισ",
        "fi": "imago|kaupunkibrandi|mielikuva|julkinen keskustelu|tiedotu|kampanja",
        "pl": "wizerunek|promocj|kampania|debata publiczna|marka miasta|komunikacja",
        "sv": "stadens image|varumarke|opinionsbildning|informationskampanj|kampanjen",
        "pt": "imagem da cidade|debate publico",
    },
    "entrepreneurship": {
        "en": "business support|business advice|incubator|micro enterprise|self employment|start your own",
        "de": "existenzgrunder|grunderzentr|inkubator|kleinunternehm",
        "fr": "incubateur|microentreprise|creation d activite",
        "es": "incubadora|microempresa|emprendimiento",
        "it": "incubator|microimpres|imprenditorialita",
        "nl": "ondernemerschap|starter|bedrijfsstart|incubator",
        "el": "επιχειρηματικοτητ|νεοφυ|θερμοκοιτιδ|μικρομεσαι",
        "fi": "yrittajyy|yritystoimin|hautomo|aloittava yritt|yritysneuvont",
        "pl": "przedsiebiorczos|wlasna firm|inkubator|mikroprzedsiebior",
        "sv": "foretagande|nyforetagar|inkubator|starta eget",
        "pt": "empreendedorismo|incubadora|microempresa",
    },
    "governance": {
        "en": "integration policy|partnership|stakeholder|evaluation|indicator|data collection|"
              "needs assessment|network of cities",
        "de": "integrationspolitik|integrationskonzept|partnerschaft|evaluation|indikator",
        "fr": "politique d integration|partenariat|evaluation|indicateur",
        "es": "politica de integracion|partenariado|evaluacion|indicador",
        "it": "politiche di integrazione|partenariato|valutazione|indicator",
        "nl": "integratiebeleid|partnerschap|evaluatie|indicator|samenwerking",
        "el": "πολιτικη ενταξ|συνεργασι|αξιολογησ|δεικτ|δικτυο πολεων",
        "fi": "kotoutumisohjelm|kumppanuu|yhteistyo|arvioin|indikaattor",
        "pl": "polityka integracyjn|partnerstw|wspolprac|ewaluac|wskaznik",
        "sv": "integrationspolitik|partnerskap|samverkan|utvarder|indikator",
        "pt": "politica de integracao|parceria|avaliacao|indicador",
    },
    "one-stop-shop": {
        "en": "welcome desk|welcome office|service point|first stop|signposting|navigation|app$|apps$|"
              "mobile application|online platform|website",
        "de": "willkommenszentr|servicepunkt|wegweiser|erstberatung|app$|apps$|online plattform|webseite",
        "fr": "guichet|accueil des nouveaux|application mobile|plateforme en ligne|site internet",
        "es": "oficina de acogida|punto de atencion|aplicacion movil|plataforma en linea|pagina web",
        "it": "sportello unico|punto di accesso|applicazione|piattaforma online|sito web",
        "nl": "welkomstloket|informatiecentrum|wegwijzer|app$|apps$|online platform|website",
        "el": "κεντρο εξυπηρετ|γραφειο υποδοχ|εφαρμογ|πλατφορμ|ιστοσελιδ",
        "fi": "palvelukeskus|neuvontapalvel|ohjaus ja neuvonta|sovellus|verkkopalvel|verkkosivu|infopankki",
        "pl": "punkt obslugi|aplikacj|platform|strona internetow|porad",
        "sv": "valkomstcent|kontaktpunkt|vagledning|app$|appar$|webbplats|samhallsorientering",
        "pt": "balcao|aplicacao|plataforma online|sitio web",
    },
    "mentoring": {
        "en": "mentorship|mentoring|twin cities|peer to peer|transfer of practices|good practice exchange|study visits",
        "de": "mentoring|mentor|partnerstadt|staedtepartner|austausch|voneinander lernen",
        "fr": "mentorat|echange de pratiques|villes jumelles|apprentissage entre pairs",
        "es": "mentoria|intercambio de buenas practicas|aprendizaje entre pares",
        "it": "mentoring|scambio di buone pratiche|apprendimento tra pari",
        "nl": "mentoring|mentorschap|uitwisseling|leren van elkaar|stedenband",
        "el": "μεντορινγκ|ζευγαρι πολεων|ανταλλαγη|ανταλλαγ|επισκεψη μελετησ|αμοιβαια μαθηση",
        "fi": "mentorointi|mentoroin|vertaisoppi|ystavyyskaupun|kokemusten vaihto|tukihenkilo|kummitoimin",
        "pl": "mentoring|mentorz|wymiana doswiadczen|miasta partnerskie|uczenie sie od siebie|opiekun",
        "sv": "mentorskap|mentorsprogram|vanort|erfarenhetsutbyt|kompisprogram|fadderverksamhet|lar av varandra",
        "pt": "mentoria|intercambio de experiencias|cidades geminadas",
    },
    "women": {
        "en": "migrant women|gender equality|gender based violence|single mothers|empowerment of women",
        "de": "frauenfoerder|gleichberechtig|geschlechtergerecht|gewalt gegen frauen|migrantinnen",
        "fr": "femmes migrantes|violences faites aux femmes|egalite de genre",
        "es": "mujeres migrantes|igualdad de genero|violencia machista",
        "it": "donne migranti|parita di genere|violenza di genere",
        "nl": "migrantenvrouwen|gendergelijkheid|huiselijk geweld|vrouwen",
        "el": "ισοτητα των φυλων|εμφυλη βια|μητερεσ|γυναικεσ",
        "fi": "naisia|naisten|maahanmuuttajanais|sukupuol|tasa arvo|aidit|aiteja",
        "pl": "kobiety|kobietom|rownosc plci|przemoc domow|matki",
        "sv": "kvinnor|jamstalldhet|mammor|vald i nara relationer",
        "pt": "mulheres migrantes|igualdade de genero",
    },
    "youth": {
        "en": "unaccompanied|teenagers|young adults|children and young|minors|adolescents",
        "de": "jugendlich|junge menschen|schuler|kinder und jugend|heranwachs|unbegleitete minderjahrige",
        "fr": "jeunesse|mineurs non accompagnes|enfance",
        "es": "menores no acompanados|juventud|ninez",
        "it": "minori non accompagnati|giovani|ragazzi",
        "nl": "jongeren|jeugdwerk|alleenstaande minderjarige|kinderen",
        "el": "ασυνοδευτα|ανηλικοι|παιδια|νεαροι|νεολαια|εφηβοι",
        "fi": "nuoret|nuorille|nuorten|lapset|lasten|alaikais|ilman huoltajaa",
        "pl": "mlodzi ludzie|mlodziezy|dzieci|nieletni|maloletni",
        "sv": "ungdomar|unga vuxna|barn och unga|ensamkommande barn",
        "pt": "jovens|menores nao acompanhados|criancas",
    },
    "social-services": {
        "en": "social inclusion|poverty|vulnerable|case worker|social assistance|benefits",
        "de": "armut|sozialhilfe|fallmanag|sozialleistungen|bedurftig",
        "fr": "pauvrete|precarite|vulnerab|aide sociale|prestations sociales",
        "es": "pobreza|vulnerab|exclusion social|prestaciones",
        "it": "poverta|vulnerab|inclusione sociale|prestazioni",
        "nl": "armoede|kwetsbaar|sociale zekerheid|uitkeringen",
        "el": "φτωχει|ευαλωτ|κοινωνικη ενταξ|επιδομα|προνοια",
        "fi": "koyhyy|haavoittuv|sosiaalityo|sosiaalipalvel|toimeentulotuki|sosiaaliturva",
        "pl": "ubostw|biedy|wrazliw|pomoc socjaln|swiadczen",
        "sv": "fattigdom|utsatt|socialtjanst|forsorjningsstod|socialbidrag",
        "pt": "pobreza|vulnerav|prestacoes sociais",
    },
}


def _merged(base: dict[str, dict[str, str]], more: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    merged = {topic: dict(per_language) for topic, per_language in base.items()}
    for topic, per_language in more.items():
        for language, spec in per_language.items():
            merged[topic][language] = f"{merged[topic][language]}|{spec}" if language in merged[topic] else spec
    return merged


_KEYWORDS = _merged(_KEYWORDS, _MORE_KEYWORDS)

COMPOUNDING = {"de", "nl", "sv", "fi", "da"}  # a stem may sit inside a long word
MIN_INFIX_STEM = 6
WEAK = 0.5
# A long text must mention a topic this often per 100 words besides reaching min_hits.
DENSITY_PER_100_WORDS = 0.5
# ...and reach this share of the strongest topic's hits: a passing mention in a text
# that is all about something else is not what the text is about.
RELATIVE_TO_TOP = 0.2


class _Keyword(NamedTuple):
    topic: str
    words: tuple[str, ...]  # stems of consecutive tokens
    exact_last: bool  # the last word must match whole
    weight: float
    language: str


class _Tagger:
    """Keywords indexed by their first stem, for one dict lookup per word prefix."""

    def __init__(self) -> None:
        self.by_first: dict[str, list[_Keyword]] = defaultdict(list)
        self.infix_stems: dict[str, list[_Keyword]] = defaultdict(list)
        for topic, per_language in _KEYWORDS.items():
            for language, spec in per_language.items():
                for raw in spec.split("|"):
                    kw = _parse(topic, language, raw)
                    self.by_first[kw.words[0]].append(kw)
                    if language in COMPOUNDING and len(kw.words) == 1 \
                            and len(kw.words[0]) >= MIN_INFIX_STEM and not kw.exact_last:
                        self.infix_stems[kw.words[0]].append(kw)
        self.lengths = sorted({len(k) for k in self.by_first})
        self.infix_lengths = sorted({len(k) for k in self.infix_stems})

    def hits(self, words: list[str], languages: set[str] | None) -> dict[str, float]:
        scores: dict[str, float] = defaultdict(float)
        for i, word in enumerate(words):
            matched = self._at(words, i, languages)
            if len(word) >= 2 * MIN_INFIX_STEM:  # "Flüchtlings|unterkunft": both count
                for topic, weight in self._inside(word, languages).items():
                    matched[topic] = max(matched.get(topic, 0.0), weight)
            for topic, weight in matched.items():
                scores[topic] += weight
        return scores

    def _at(self, words: list[str], i: int, languages: set[str] | None) -> dict[str, float]:
        """Keywords starting at word i; a word counts once per topic (its best keyword)."""
        word, found = words[i], {}
        for n in self.lengths:
            if n > len(word):
                break
            for kw in self.by_first.get(word[:n], ()):
                if (languages is None or kw.language in languages) and _matches(kw, words, i):
                    found[kw.topic] = max(found.get(kw.topic, 0.0), kw.weight)
        return found

    def _inside(self, word: str, languages: set[str] | None) -> dict[str, float]:
        found: dict[str, float] = {}
        for start in range(3, len(word) - MIN_INFIX_STEM + 1):
            for n in self.infix_lengths:
                for kw in self.infix_stems.get(word[start:start + n], ()):
                    if languages is None or kw.language in languages:
                        found[kw.topic] = max(found.get(kw.topic, 0.0), kw.weight)
        return found


def _parse(topic: str, language: str, raw: str) -> _Keyword:
    weight = WEAK if raw.startswith("~") else 1.0
    text = raw.lstrip("~")
    exact = text.endswith("$")
    words = tuple(_words(text.rstrip("$")))
    return _Keyword(topic, words, exact, weight, language)


def _matches(kw: _Keyword, words: list[str], i: int) -> bool:
    if i + len(kw.words) > len(words):
        return False
    for k, stem in enumerate(kw.words):
        if not words[i + k].startswith(stem):
            return False
    return not kw.exact_last or words[i + len(kw.words) - 1] == kw.words[-1]


_WORD = re.compile(r"[^\W\d_]+")


def _words(text: str) -> list[str]:
    return [fold(w) for w in _WORD.findall(text)]


@functools.lru_cache(maxsize=1)
def _tagger() -> _Tagger:
    return _Tagger()


def _languages(language: str | None) -> set[str] | None:
    """The passage's language plus English (project names and jargon travel in English)."""
    if not language:
        return None
    lang = language.split("-")[0].lower()
    return {lang, "en"} if lang in next(iter(_KEYWORDS.values())) else None


def topic_hits(text: str, language: str | None = None) -> dict[str, float]:
    """Weighted keyword hits per topic (weak cues count half)."""
    return dict(_tagger().hits(_words(text), _languages(language)))


def topic_scores(text: str, language: str | None = None) -> dict[str, float]:
    """Hits per 100 words, per topic: comparable across passages of different lengths."""
    words = _words(text)
    per_100 = 100.0 / max(len(words), 100)
    hits = _tagger().hits(words, _languages(language))
    return {topic: round(h * per_100, 4) for topic, h in hits.items()}


def assign_topics(text: str, language: str | None = None, min_hits: int = 1) -> list[str]:
    """Topics the text is about, strongest first (then by slug)."""
    words = _words(text)
    hits = _tagger().hits(words, _languages(language))
    top = max(hits.values(), default=0.0)
    needed = max(float(min_hits), DENSITY_PER_100_WORDS * len(words) / 100.0,
                 RELATIVE_TO_TOP * top)
    chosen = [(h, t) for t, h in hits.items() if h >= needed]
    return [t for h, t in sorted(chosen, key=lambda ht: (-ht[0], ht[1]))]


def normalise_topic(value: str) -> str | None:
    """A slug for a topic name ("Housing", "anti-racism", "language learning"), else None."""
    key = " ".join(_words(value.replace("_", " ")))
    if not key:
        return None
    slug = key.replace(" ", "-")
    if slug in TOPICS:
        return slug
    for s, label in TOPICS.items():
        if key == " ".join(_words(label)):
            return s
    if key in _ALIASES:
        return _ALIASES[key]
    return _single_topic(key)


def _single_topic(key: str) -> str | None:
    """A foreign or free-form name ("Wohnungspolitik", "στέγαση"): the one topic its words hit."""
    hits = _tagger().hits(key.split(" "), None)
    strong = [t for t, h in hits.items() if h >= 1.0]
    return strong[0] if len(strong) == 1 else None


def topic_descriptions() -> dict[str, list[str]]:
    """Each topic described once per language by its keyword list (English led by the topic's
    name), in slug order: texts whose embeddings, averaged, place the topic in the model's
    space (`praxis.index.topic_profiles`). Stems stay as written: the model reads them well
    enough, and these texts are this taxonomy, not a second one to keep in step."""
    described: dict[str, list[str]] = {}
    for topic in sorted(TOPICS):
        texts = []
        for language, spec in sorted(_KEYWORDS[topic].items()):
            words = ", ".join(raw.lstrip("~").rstrip("$") for raw in spec.split("|"))
            texts.append(f"{TOPICS[topic]}: {words}" if language == "en" else words)
        described[topic] = texts
    return described
