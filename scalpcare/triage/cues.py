"""The cues that qualify a finding and the word lists they use.

Negation, history, questions and the people a finding belongs to.
"""

from __future__ import annotations

# Nouns for people nobody in the conversation knows (after "a", "some", "the").
_STRANGERS = (
    "woman|man|lady|guy|girl|boy|kid|person|celebrity|influencer|stranger|actress|actor|singer"
    "|presenter|celeb|dancer|footballer|athlete|youtuber|streamer"
)

# Cues that qualify a candidate (label -> patterns).
_CUES: dict[str, tuple[str, ...]] = {
    "NEG": (
        "=no|=never|=without|=none|=nor|=neither|=nope|=zero|=nothing|=nothings|=nothin|=nobody"
        "|=noone",
        "not",
        "=ruled|=rule|=rules =out",
        "=negative =for",
        "=free =of",
        "=absence =of",
    ),
    "NEG_POST": (
        "=ruled =out",
        "=was|=were|=came|=is|=came =back? =negative",
        "=excluded",
        "re:^[:?-]$ =no|=none|=nope|=never|=negative",  # "Psoriasis: no."
    ),
    # "... but it turned out to be dandruff": an earlier suspicion was wrong.
    "CORRECTION": ("=turned|=turns =out", "=was|=is|='s =actually", "=ended =up =being"),
    "PSEUDO": (
        "=no =idea|=clue|=matter|=doubt|=wonder|=joke|=lie|=lies|=cap|=worries",
        "not =only|=just",
    ),
    "RESOLVED": (
        "=cleared|=gone|=resolved|=cured|=healed|=disappeared|=outgrew|=outgrown|=stopped|=vanished"
        "|=ended|=finished|=subsided",
        "=recovered =fully|=completely|=totally|=well|=from",
        "=went|=gone|=go =away",
        # "it swelled a bit then went down" ("came down with" is an onset: _resolutions()).
        "=went|=gone|=go|=goes|=come|=came =down",
        "=fine|=okay|=ok|=normal|=good =now|=since",
        "=been ~1 =fine|=good|=ok|=okay|=clear|=normal|=great",
        # "the shed is over" (only at a clause's end: "a patch over my ear" is a place).
        "=is|=was|='s|=s|=are|=were =over",
        "=healing|=healed|=recovering =fine|=well|=nicely|=up",
        "=drying|=dried =up",
        "=clear|=fine|=gone|=normal|=settled|=calm|=quiet =for|=since ~2 =year|=years|=yrs|=months"
        "|=month|=ages|=decades",
        "=never =returned|=recurred|=reappeared|=happened",
        "=filled =back? =in",
        # A trivial thing that ends by itself: "they stop bleeding right away".
        "=stop|=stops|=stopped ~2 =right|=straight =away",
        "=stop|=stops|=stopped ~2 =quickly|=immediately|=instantly|=straightaway",
        "=back =to =normal",
        "=grew|=grown|=growing|=regrew =back",
        "=no =longer",
        "=anymore",
        "=nothing|=none =since",
        "=in =remission",
        "=never =came|=come =back",
        "=calm|=settled|=clear|=better|=healed|=quiet =now",
        "=all|=fully|=completely|=totally =healed|=gone|=clear|=cleared|=fine|=calm|=better"
        "|=recovered",
    ),
    "HIST": (
        "=as =a =kid|=child|=teen|=teenager|=baby|=toddler|=youngster",
        "=when =i =was =a? =little|=young|=younger|=kid|=child|=teen|=teenager|=small",
        "=in =my =teens|=twenties|=20s|=30s|=childhood|=youth",
        "=in =high =school",
        "=years|=year|=yrs|=yr|=decade|=decades =ago",
        "=used =to =have|=get|=be|=suffer",
        "=in =the =past",
        "=childhood",
        "=last =year|=summer|=winter|=spring|=autumn",
        "=years|=yrs|=months =back",
        "=back =when|=then",
        "=when =we|=she|=he|=they =were",
        # "when my boy was 2", "when our daughter was little"
        "=when =my|=our ~2 =was|=were",
    ),
    "HIST_EXEMPT": ("=went|=started|=became|=began|=switched|=been|=since",),
    "RECUR": (
        "come|be =back",
        "='s|=s|=is|=are|=was =back",  # the lookup table lemmatises "'s" as "have"
        "=its|=theyre =back",  # "now its back" without the apostrophe
        "=again",
        "=still",
        "=returned|=returning|=recurred|=recurring|=recurrent|=relapse|=relapsed",
        "=flaring|=flared|=flares",
        "=currently",
    ),
    "HYPO": (
        "=if|=whether|=unless",
        "=worried|=afraid|=scared|=fear|=terrified|=nervous|=worry =of|=about? "
        "=getting|=developing|=catching|=get|=develop|=catch",
        "=prevent|=preventing|=prevention|=avoid|=avoiding",
        "=risk =of",
        "=can|=could|=will|=would =you|=i|=one|=people =get|=catch|=develop",
    ),
    "DEICTIC": (
        "=is =this|=that",
        "=could|=can|=might|=may|=would =this|=that|=it =be",
        "=does|=do =this|=that|=it =look|=sound|=seem",
        "=this|=that =look|=looks|=sounds|=seems =like",
    ),
    "IS_IT": ("=is =it",),
    "SUSPECT": (
        "=i =think|=guess|=reckon|=suspect|=believe",
        "=pretty|=fairly =sure",
        "=probably|=maybe|=possibly|=possible|=likely",
    ),
    "AFFIRM": ("=i have|get|catch|caught ~1 =it|=some|=them|=one|=same|=this|=that|=these|=those",),
    "FAMILY": ("run|runs|running =in|=on ~3 =family|=side",),
    "SELF": ("=i|=me|=my|=mine|=myself",),
    "CARE": (
        "daughter|son|kid|child|children|baby|babies|toddler|stepdaughter|stepson|grandson"
        "|granddaughter|grandchild|client|customer|teenager",
        "=my =little =one",
        "=my =boy|=girl",
        "# =year|=yr|=years =old",
        "# =- =year =- =old",
        r"re:^\d+(yo|yr|yrs)$",
    ),
    "OTHER": (
        "mum|mom|mother|mam|mommy|mummy|dad|father|daddy|sister|brother|=sis|=bro|husband|wife"
        "|hubby|partner|boyfriend|girlfriend|=bf|=gf|fiance|fiancee|friend|bestie|colleague"
        "|coworker|roommate|flatmate|housemate|aunt|auntie|aunty|uncle|cousin|grandma"
        "|grandmother|gran|granny|=nan|=nana|grandpa|grandfather|neighbour|neighbor|family"
        "|niece|nephew|mate|pal|grandad|granddad|gramps|grandpop|grandparent|grandparents"
        "|stepmum|stepmom|stepdad|stepfather|stepmother",
        "=co =- =worker",
    ),
    # People nobody in the conversation knows ("a woman in the news"): not a referral.
    "STRANGER": (
        "=a|=an|=some|=this|=that|=the ~1 " + _STRANGERS,
        # "a well-known actress"
        "=a|=an|=some|=this|=that|=the ~1 =- ~1 " + _STRANGERS,
        "people|someone|somebody|celebrities|celebs|women|ladies",
    ),
    # A professional already looks after it ("my derm is managing it").
    "UNDER_CARE": (
        "dermatologist|derm|doctor|doc|gp|physician|specialist|clinic|pediatrician"
        "|paediatrician|nurse|surgeon|consultant|endocrinologist|dermo|derma|hautarzt|dermato"
        "|dermatologa|dermatologo|er|hospital ~4 said|say|says|confirm|confirmed|check"
        "|checked|look|looked|saw|seen|treat|treating|treated|manage|managing|managed"
        "|prescribe|prescribed|gave|give|put|told|tell|drain|drained|remove|removed"
        "|monitor|monitoring|lance|lanced|stitch|stitched|cream|plan|routine|watch|watching"
        "|follow|following",
        # "my derm has me on ...", "the doctor put him on ..."
        "dermatologist|derm|doctor|doc|gp|specialist|consultant|dermo|derma ~3 =me|=him|=her"
        "|=them|=us =on",
        # What only a professional does, and where: "lanced at the ER", "drained by the GP".
        "lanced|drained|stitched|removed|excised|biopsied|diagnosed|injected ~3 =at|=by =the|=my"
        "|=a? =er|=hospital|=clinic|=dermatologist|=derm|=doctor|=gp|=specialist|=surgeon|=a&e",
        "=steroid|=steroids|=cortisone ~1 =injection|=injections|=shot|=shots|=jab|=jabs",
        "=methotrexate|=dupilumab|=cyclosporine|=ciclosporin",
        "=under ~2 dermatologist|derm|doctor|specialist|consultant|care|clinic",
        "=by|=from =my|=the|=a|=her|=his|=our? dermatologist|derm|doctor|doc|gp|specialist"
        "|consultant|clinic|hospital|dermo|derma|nurse|surgeon|pediatrician|paediatrician",
        "=on ~2 =tablets|=cream|=antibiotics|=treatment|=meds|=medication|=pills|=washes",
        "prescription|prescribed|antibiotic|antibiotics|antiviral|antivirals|injection"
        "|injections|injectable|injectables|biologic|biologics|medication|medicated",
        "=being|=been =treated|=managed|=monitored|=seen|=checked",
        "=under =control|=treatment",
        "=looked =after",
        "=well =managed|=controlled",
    ),
    # ... unless something is new or worse.
    "WORSE": (
        "worse|worsening|worsened|spreading|bigger|growing|flaring|flare|flared|returned",
        "=new =spot|=spots|=patch|=patches|=lump|=bump|=sore|=one|=ones",
        "=came|=come|=coming|=is|='s =back",
        "=not|=isn't|=isnt|=doesn't|=doesnt|=didn't|=didnt|=stopped =working|=helping|=work|=help",
        "=did|=does|=do|=is|=are|=was ~1 =n't|=nt|=not =work|=help|=working|=helping",
        "=still ~2 =bleeding|=growing|=spreading|=weeping|=oozing|=hurts|=hurting",
        "=still =there|=around|=going",
        "=not =sure|=convinced",
        "=waiting|=waitlist|=referred",
        "=new",
    ),
    # Something read or heard ("saw a news bit about ...", "i read it can scar").
    "REPORTED": (
        "=read|=heard|=saw|=watched|=seen ~4 =about",
        "=read|=heard|=saw =it|=they|=that =can|=could|=may|=might|=causes|=cause",
    ),
    # "i read that ringworm can cause bald patches", "heard henna can cause burns": a claim
    # read or heard (the claim's verb follows: _CLAIM_VERBS).
    "HEARD": ("=read|=heard", "=read|=heard =that"),
    # "my friend says tea tree cures psoriasis, is that right?": a claim checked.
    "CLAIM": (
        "=says|=said|=thinks|=reckons|=claims|=swears|=believes|=insists",
        "=says|=said|=thinks|=reckons|=claims|=swears|=believes|=insists =that",
    ),
    # A question about conditions in general ("is ringworm contagious?").
    "GENERAL_Q": (
        "=usually|=normally|=typically|=generally|=common|=commonly|=myth|=contagious"
        "|=catching|=hereditary|=genetic|=inherited|=difference|=often|=infectious|=autoimmune"
        "|=curable|=treatable|=preventable|=permanent",
        "=in =general",
        "=tell ~3 =from|=apart",
        "=true|=dangerous|=harmless|=serious|=normal",
        "=more|=less =likely",
    ),
    # The writer says they themselves are fine: someone else's condition is context.
    "SELF_FINE": (
        "=mine|=mine's|=mines =is? =fine|=ok|=okay|=normal|=clear",
        "=i ='ve|=have|=ve =got? =nothing",
        "=i =don't|=dont|=do =n't|=nt =have =it|=any|=anything",
        "=my =own? =scalp|=head|=hair ~1 =is|='s|=looks|=look|=feels ~1 =fine|=normal|=clear"
        "|=ok|=okay|=healthy",
        "=my =own ~3 =fine|=ok|=clear|=normal",
    ),
    # Hair is fine / hair loss is reported.
    "HAIR_FINE": (
        "=hair|=hair's ~3 =fine|=ok|=okay|=normal|=thick|=great|=healthy|=stable|=steady|=grand",
        "=no =shedding|=thinning|=hairloss",
        "=no =hair =loss",
        "=no =problems|=problem|=issues|=issue",
    ),
    "HAIR_LOSS": (
        "shed|shedding|sheds|thinning|thinner|bald|balding|clump|clumps|handful|handfuls|hairloss",
        "hair ~3 fall|falling|fell|come|coming|came|out|loss|lose|losing|lost|thin|thinning",
        "lose|losing|lost ~2 =hair|=my",
        "hair|hairs ~4 =everywhere|=plughole|=drain|=pillow|=brush|=bin|=shower|=fists|=comb"
        "|=bathroom|=floor|=sink|=tumbleweeds",
        "=more|=much|=loads|=lots ~3 =hair|=hairs",
    ),
    # Pets: "my dog has ringworm" is nobody's referral here.
    "PET": (
        "dog|cat|puppy|kitten|pet|horse|rabbit|hamster|guinea|pup|pups|pooch|doggo|doggy|kitty"
        "|vet|vets|chihuahua|labrador|poodle|terrier|spaniel|collie|retriever|bulldog|pug"
        "|husky|beagle|dachshund",
        "=german =shepherd",
    ),
    # A notice about something going round a school or nursery: the condition named in it
    # is the community's, not the writer's ("school sent a letter saying ...").
    "NOTICE": (
        "letter|note|notice|email|text|message|newsletter|leaflet|warning ~3 =school|=nursery"
        "|=daycare|=preschool|=kindergarten|=class|=club|=creche",
        "=school|=nursery|=daycare|=preschool|=kindergarten|=creche ~1 =sent|=send|=sends"
        "|=emailed|=texted|=warned|=says|=said",
    ),
    "CIRCULATING": (
        "=going|=goin|=spreading =round|=around",
        "=doing =the =rounds",
        "=outbreak",
    ),
    # Somebody the writer knows has it after all ("my daughter has it").
    "HAS_IT": ("=has|=have|=got|=caught|=catch|=get|='s|='ve ~1 =it|=them",),
    # The writer's scalp is said to be fine ("my scalp is fine", "scalp looks totally normal").
    "SCALP_FINE": (
        "=scalp|=scalps|=head|=heads ~3 =fine|=normal|=clear|=healthy|=ok|=okay|=perfect",
    ),
    # A body site away from the scalp ("eczema on my arms").
    "OFF_SCALP": (
        "=on|=in|=behind|=around|=inside =my|=his|=her|=the|=both? =arms|=arm|=legs|=leg|=hands"
        "|=hand|=elbows|=elbow|=knees|=knee|=feet|=foot|=fingers|=shins|=body|=chest|=back"
        "|=belly|=stomach|=tummy|=wrists|=wrist|=ankles|=torso|=hips",
    ),
    "PRONOUN": ("=he|=she|=him|=his|=her|=hers|=himself|=herself",),
    # A doctor's tests came back normal ("bloods came back normal", "checked my iron and
    # thyroid, all fine"): the blood tests a nutrient referral asks for are done.
    "NORMAL_RESULTS": (
        "blood|bloods|level|levels|test|tests|result|results|number|numbers|iron|thyroid"
        "|ferritin|bloodwork ~3 =fine|=normal|=good|=ok|=okay|=perfect",
        "=came|=come =back =normal|=fine|=clear|=ok|=okay|=good|=perfect",
    ),
    # ... and the shedding is settling ("it's already slowing down").
    "IMPROVING": (
        "=settling|=slowing|=easing|=improving|=subsiding|=tapering|=eased|=slowed|=settled",
        "=getting =better|=less",
    ),
    # A shampoo keeps it in check ("the usual shampoo calms it down", "way better already"):
    # everyday dandruff, not scaling that nothing helps.
    "CONTROLLED": (
        "=calms|=calm|=calmed|=settles|=settle|=settled =it|=them|=things|=everything? =down",
        "=keeps|=keep|=kept|=keeping =it|=them =down|=away|=off",
        "=keeps|=keep|=kept|=keeping =it|=them =under|=at =control|=bay",
        "=way|=much|=lot|=loads|=heaps|=so =better",
        "=better =already",
    ),
    # A baby's scalp (yellow greasy scale there is cradle cap).
    "BABY": (
        "baby|babies|newborn|infant|bub|bubba",
        "# =week|=weeks|=wk|=wks|=month|=months|=mo =old",
        "# =- =week|=month =- =old",
        r"re:^\d+(wk|wks|mo|mos)$",
    ),
    "PLAN": (
        "dietitian|dietician|nutritionist|supplement|supplements|multivitamin|=planned",
        "take|taking ~1 =b12|iron|vitamin|vitamins|supplement",
        "blood|bloods|level|levels|test|tests ~3 =fine|=normal|=good",
    ),
}


def _words(text: str) -> frozenset[str]:
    """A set of space-separated words (keeps the long word lists readable)."""
    return frozenset(text.split())


# Lemmas that make a sentence "about the scalp or a lesion" (for swelling/heat).
_LOCATION = _words(
    "scalp head hairline crown nape bump spot lump patch sore wound boil abscess cut area skin"
    " ear temple part parting neck scab"
)
_BODY = _words("scalp head hair hairline crown skin neck ear forehead nape temple")
# Words after "not"/"n't" that make it an existence negation ("don't have").
_EXIST = _words(
    "have get be see notice think seem look suffer diagnose find spot show experience feel"
)
_FILLER = _words("any a an really actually even ever exactly currently yet got just that")
# Tokens that end a negation scope (besides punctuation and sentence ends).
_SCOPE_END = _words(
    "but however though tho although whereas while yet except apart aside just only because"
    " cause so which who since"
)
# Context whose time words date the onset of shedding, not its end.
_ONSET_RULES = frozenset(("after_illness", "postpartum"))
# Words that may stand beside a date in a clause of its own ("like 2 years ago", "last time").
_DATE_FILLER = _words("like about around maybe roughly almost nearly over so and last time once oh")
# The verb of a claim read or heard ("... can cause bald patches").
_CLAIM_VERBS = _words("can could may might cause causes caused give gives make makes lead leads")
# Words that make a claim somebody's own ("my mum thinks it's ringworm").
_CLAIM_OWNER = _words("it it's its they them this that these those he she his her him")
# "came back normal": a test's result, not a return.
_RESULT_WORDS = _words("normal negative fine clear ok okay good perfect")
# "... normal again": well again is no recurrence.
_WELL_AGAIN = _words("normal fine better ok okay healthy itself myself herself himself")
_CLAUSE_END = _words("but however though tho although whereas yet except now until till til")
# After "and"/"or", these words start a new clause and end a negation scope.
_NEW_SUBJECT = _words("i my it its there the this that now then he she me we they his her also")
_UNCERTAIN = _words(
    "sure know knowing wonder wondering unsure idea tell check see clue ask asking curious"
)
_QUESTION_WORDS = _words(
    "what whats how why can could is are does do should will would which when where who any"
)
_PUNCT_BOUNDARY = frozenset(",;:()[]{}—–-…")
# "in my daughter's class": a person's place, not the person.
_PLACES = _words("class classes school nursery club team room daycare group year form")
# After "is over", words that still end the clause ("the shed is over now").
_AFTER_OVER = _words("now and but so thank thankfully phew finally already lol")
# Hair growing back (not a recurrence) and hair being lost (a recurrence).
_GROWTH_WORDS = _words("grow growing grew grown regrow regrowing thick thicker fill filling in")
_LOSS_WORDS = _words("fall falling fell shed shedding thin thinning lose losing lost out loss")
# WORSE cues that reopen an episode said to be over ("but now a new lump", "it's back").
_REOPENS = _words(
    "worse worsening worsened spreading bigger growing flaring flare flared returned new back"
)
# Words after "gone"/"went" that still say it ended ("gone now"); others say it became
# something ("gone puffy", "went red").
_AFTER_GONE = _words(
    "away down now completely totally fully for since and but so after with by lol thank"
    " thankfully again quiet today tonight yesterday overnight already forever quickly finally"
    " entirely altogether mostly almost within in on as"
)
# Words that make a resolution partial ("went down a bit", "nearly over"): not over.
_PARTLY_AFTER = _words("bit little slightly somewhat partly partially some")
_PARTLY_BEFORE = _words("nearly almost partly partially half mostly")
# "a new cream", "a new derm": something new that is not a sign.
_NOT_A_SIGN = _words(
    "treatment cream shampoo lotion medication medicine meds prescription routine plan product"
    " conditioner dermatologist derm doctor gp specialist appointment salon hairdresser"
    " stylist style cut colour color job baby house tablet tablets pill pills drops foam"
    " oil serum brush"
)
# A question clause opening with a modal asks what might happen ("will it flare?").
_MODAL_OPENERS = _words("will would could can might may should")
# A demonstrative before a finding points at the writer's own ("is this bald patch normal?"),
# unless it opens a clause after one of these ("is it true that ...").
_DEMONSTRATIVES = _words("this that these those")
_BEFORE_THAT_CLAUSE = _words(
    "true sure know think thought said say says read heard believe mean means right possible"
    " likely so such"
)
_POSSESSIVES = _words("my our his her their your")
# Person nouns that, bare, mean people in general ("can kids catch it?").
_GENERIC_PLURALS = _words(
    "kids children babies toddlers teenagers teens clients customers grandchildren"
)
_NOBODY = _words("nobody noone none neither no")
# Before "i get it": an event that has not happened ("asking before i get one").
_NOT_YET = _MODAL_OPENERS | _words("before until till unless if when whether")
_GENERIC_BEFORE = _words("most many all some for in with on of")
# WORSE cues that name an episode, which may be over ("my flare a few months ago").
_EPISODE_WORDS = _words("flare flared flares flaring worse worsened returned")
# Words that make a finding somebody's own ("saw that my scalp ...", "about this patch").
_OWN_WORDS = _POSSESSIVES | _DEMONSTRATIVES | _words("i me mine i'm i've im ive")
