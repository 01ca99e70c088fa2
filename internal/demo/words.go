package demo

// The vocabulary of the demo marketplace, per category: title templates
// ({a} and {b} are filled from the two word lists), the skills its
// freelancers list, and package names. Believable, not lorem ipsum.
type categoryWords struct {
	slug      string
	titles    []string
	a, b      []string
	skills    []string
	headlines []string
	minPrice  int64 // cents, cheapest basic package
	maxPrice  int64
}

var vocabulary = []categoryWords{
	{
		slug: "graphics-design",
		titles: []string{
			"I will design a {a} logo for your {b}",
			"{A} brand identity and style guide for {b}s",
			"Pitch deck design that makes your {b} look {a}",
			"{A} packaging and label design for your {b}",
			"Social media graphics kit in a {a} style for {b}s",
			"{A} illustrations for your {b} website",
		},
		a:         []string{"minimalist", "modern", "vintage", "playful", "luxury", "bold", "hand-drawn", "geometric", "elegant", "clean"},
		b:         []string{"startup", "restaurant", "law firm", "coffee shop", "fintech", "clinic", "fashion brand", "SaaS product", "bakery", "nonprofit"},
		skills:    []string{"logo design", "branding", "Adobe Illustrator", "Figma", "typography", "packaging", "illustration", "print design", "visual identity"},
		headlines: []string{"Brand designer for ambitious companies", "Visual identity studio", "Illustrator and art director", "Packaging and print specialist"},
		minPrice:  4000, maxPrice: 60000,
	},
	{
		slug: "programming-tech",
		titles: []string{
			"I will build a {a} web app for your {b}",
			"{A} API integration with Stripe, Slack or HubSpot for {b}s",
			"Fix bugs and speed up your {a} {b} website",
			"{A} mobile app in Flutter for your {b}",
			"Set up {a} CI/CD and cloud hosting for your {b}",
			"Custom WordPress plugin for a {a} {b}",
		},
		a:         []string{"scalable", "secure", "fast", "cross-platform", "serverless", "responsive", "Go", "React", "Python", "cloud-native"},
		b:         []string{"marketplace", "SaaS", "online store", "booking platform", "internal tool", "CRM", "startup", "agency", "dashboard", "portal"},
		skills:    []string{"Go", "React", "TypeScript", "PostgreSQL", "Python", "AWS", "Docker", "Kubernetes", "Flutter", "WordPress", "API design"},
		headlines: []string{"Full-stack engineer, ten years shipping SaaS", "Backend and cloud specialist", "Mobile app developer", "Senior web developer"},
		minPrice:  15000, maxPrice: 500000,
	},
	{
		slug: "digital-marketing",
		titles: []string{
			"I will run {a} Google Ads campaigns for your {b}",
			"{A} SEO audit and keyword strategy for {b}s",
			"Manage your {b}'s LinkedIn ads with a {a} approach",
			"{A} email marketing automation for your {b}",
			"Grow your {b} on Instagram with {a} content",
			"{A} conversion rate optimisation for your {b} landing page",
		},
		a:         []string{"data-driven", "profitable", "B2B", "local", "international", "performance", "organic", "targeted", "high-ROI", "full-funnel"},
		b:         []string{"ecommerce store", "SaaS", "consultancy", "clinic", "real estate agency", "law firm", "startup", "hotel", "online course", "brand"},
		skills:    []string{"SEO", "Google Ads", "Meta Ads", "LinkedIn Ads", "email marketing", "HubSpot", "analytics", "CRO", "content strategy"},
		headlines: []string{"Performance marketer for B2B brands", "SEO consultant", "Paid social specialist", "Growth marketing team"},
		minPrice:  10000, maxPrice: 300000,
	},
	{
		slug: "video-animation",
		titles: []string{
			"I will create a {a} explainer video for your {b}",
			"{A} product demo video for your {b}",
			"Edit your {b}'s YouTube videos with a {a} touch",
			"{A} 2D motion graphics for your {b}",
			"{A} logo animation and intro for your {b}",
			"Short {a} video ads for your {b}",
		},
		a:         []string{"animated", "cinematic", "whiteboard", "3D", "minimal", "energetic", "corporate", "playful", "vertical", "premium"},
		b:         []string{"startup", "SaaS", "app", "YouTube channel", "product launch", "conference", "brand", "podcast", "course", "agency"},
		skills:    []string{"After Effects", "Premiere Pro", "motion graphics", "video editing", "2D animation", "Blender", "storyboarding", "color grading"},
		headlines: []string{"Motion designer and animator", "Video editor for brands", "Explainer video studio", "Filmmaker and colorist"},
		minPrice:  8000, maxPrice: 400000,
	},
	{
		slug: "writing-translation",
		titles: []string{
			"I will write {a} blog posts for your {b}",
			"Translate your {b} website from English to French, {a}",
			"{A} copywriting for your {b} landing page",
			"{A} case studies and white papers for {b}s",
			"Proofread and edit your {b} documents, {a}",
			"{A} product descriptions for your {b}",
		},
		a:         []string{"SEO-friendly", "persuasive", "technical", "native-level", "engaging", "concise", "authoritative", "friendly", "accurate", "on-brand"},
		b:         []string{"SaaS", "ecommerce store", "tech company", "law firm", "hotel", "medical practice", "startup", "agency", "app", "consultancy"},
		skills:    []string{"copywriting", "French translation", "German translation", "technical writing", "SEO writing", "proofreading", "ghostwriting", "localization"},
		headlines: []string{"Copywriter for tech companies", "English–French translator", "Technical writer", "Content studio"},
		minPrice:  3000, maxPrice: 150000,
	},
	{
		slug: "music-audio",
		titles: []string{
			"I will compose {a} music for your {b}",
			"{A} voice-over in English for your {b}",
			"Mix and master your {b} to a {a} sound",
			"{A} podcast editing for your {b}",
			"{A} jingle and sonic logo for your {b}",
			"Sound design for your {b}, {a} and original",
		},
		a:         []string{"cinematic", "upbeat", "warm", "professional", "broadcast-quality", "ambient", "acoustic", "electronic", "orchestral", "crisp"},
		b:         []string{"podcast", "video game", "brand", "commercial", "YouTube channel", "app", "film", "audiobook", "e-learning course", "radio ad"},
		skills:    []string{"mixing", "mastering", "voice-over", "composition", "podcast editing", "sound design", "Pro Tools", "Ableton Live"},
		headlines: []string{"Composer and sound designer", "Voice actor", "Mixing and mastering engineer", "Podcast producer"},
		minPrice:  5000, maxPrice: 200000,
	},
	{
		slug: "business",
		titles: []string{
			"I will write a {a} business plan for your {b}",
			"{A} financial model and forecast for your {b}",
			"{A} market research report for your {b}",
			"Set up {a} bookkeeping for your {b}",
			"{A} virtual assistant support for your {b}",
			"{A} legal contract review for your {b}",
		},
		a:         []string{"investor-ready", "detailed", "lean", "bank-ready", "strategic", "practical", "thorough", "five-year", "concise", "reliable"},
		b:         []string{"startup", "restaurant", "franchise", "SaaS", "retail store", "consultancy", "clinic", "agency", "manufacturing business", "nonprofit"},
		skills:    []string{"business plans", "financial modeling", "market research", "bookkeeping", "Excel", "project management", "contracts", "strategy"},
		headlines: []string{"Startup CFO for hire", "Strategy consultant", "Operations and admin support", "Business analyst"},
		minPrice:  7000, maxPrice: 350000,
	},
	{
		slug: "data",
		titles: []string{
			"I will build {a} Power BI dashboards for your {b}",
			"{A} data analysis in Python for your {b}",
			"Clean and merge your {b} data, {a}",
			"{A} SQL reporting for your {b}",
			"{A} data pipelines and ETL for your {b}",
			"{A} web scraping for your {b}",
		},
		a:         []string{"interactive", "automated", "accurate", "real-time", "scalable", "insightful", "clean", "reliable", "fast", "documented"},
		b:         []string{"sales team", "ecommerce store", "SaaS", "marketing team", "finance team", "startup", "supply chain", "research project", "clinic", "logistics company"},
		skills:    []string{"Python", "SQL", "Power BI", "Tableau", "pandas", "data visualization", "ETL", "statistics", "Excel", "BigQuery"},
		headlines: []string{"Data analyst and BI developer", "Data engineer", "Statistician", "Analytics team"},
		minPrice:  10000, maxPrice: 300000,
	},
	{
		slug: "ai-services",
		titles: []string{
			"I will build a {a} AI chatbot for your {b}",
			"{A} machine learning model for your {b}",
			"Automate your {b} workflows with {a} AI agents",
			"{A} computer vision solution for your {b}",
			"Fine-tune a {a} language model on your {b} data",
			"{A} AI-generated product photos for your {b}",
		},
		a:         []string{"custom", "secure", "GPT-powered", "accurate", "multilingual", "private", "production-ready", "explainable", "fast", "retrieval-augmented"},
		b:         []string{"support team", "ecommerce store", "SaaS", "law firm", "clinic", "sales team", "HR department", "startup", "bank", "manufacturer"},
		skills:    []string{"machine learning", "LLM", "Python", "PyTorch", "RAG", "prompt engineering", "computer vision", "NLP", "LangChain", "MLOps"},
		headlines: []string{"Machine learning engineer", "AI automation consultant", "NLP specialist", "Applied AI studio"},
		minPrice:  20000, maxPrice: 600000,
	},
	{
		slug: "photography",
		titles: []string{
			"I will shoot {a} product photos for your {b}",
			"{A} headshots for your {b} team",
			"Retouch your {b} photos, {a}",
			"{A} food photography for your {b}",
			"{A} real estate photos for your {b}",
			"{A} lifestyle photo shoot for your {b}",
		},
		a:         []string{"studio-quality", "natural-light", "crisp", "moody", "bright", "editorial", "professional", "high-end", "authentic", "clean"},
		b:         []string{"online store", "restaurant", "agency", "hotel", "brand", "catalog", "café", "startup", "menu", "Airbnb listing"},
		skills:    []string{"product photography", "retouching", "Lightroom", "Photoshop", "food photography", "portraits", "real estate photography"},
		headlines: []string{"Commercial photographer", "Photo retoucher", "Food and product photographer", "Photo studio"},
		minPrice:  5000, maxPrice: 250000,
	},
}

var descriptionParts = [][]string{
	{"You get a dedicated professional who has delivered this for more than a hundred companies.",
		"I work with business teams who need reliable results on a clear schedule.",
		"Our studio handles this end to end, from the first call to the final files.",
		"This service is built for companies that care about quality and deadlines."},
	{"Every package starts with a short kick-off to understand your goals and constraints.",
		"I send a first draft quickly, then refine it with you.",
		"You receive progress updates at each milestone, never silence.",
		"We follow a tested process with a checklist, so nothing is forgotten."},
	{"All source files are included and the rights are yours on delivery.",
		"Invoices with your VAT number are provided for every order.",
		"Rush delivery is possible: message me before ordering.",
		"Larger teams can order several units at once with the quantity selector."},
}

var firstNames = []string{"Amélie", "Lucas", "Sofia", "Noah", "Chloé", "Mateo", "Emma", "Hugo", "Léa", "Arjun", "Mia", "Kenji",
	"Zoé", "Omar", "Inès", "Jonas", "Nina", "Rafael", "Yara", "Tomás", "Elena", "Samuel", "Aïcha", "Felix", "Maya", "Louis"}
var lastNames = []string{"Martin", "Bernard", "Rossi", "Nakamura", "Dubois", "Garcia", "Schmidt", "Moreau", "Kowalski", "Silva",
	"Laurent", "Okafor", "Fischer", "Lefèvre", "Haddad", "Novak", "Petit", "Andersen", "Costa", "Mercier"}
var agencyWords = []string{"Studio", "Collective", "Lab", "Works", "Partners", "Atelier", "Bureau", "House"}
var agencyNames = []string{"Lumen", "Northstar", "Blue Fox", "Kite", "Orbit", "Cedar", "Prism", "Harbor", "Summit", "Quartz", "Fable", "Signal"}
var countries = []string{"FR", "US", "GB", "DE", "ES", "PT", "IT", "NL", "PL", "CA", "IN", "BR", "JP", "SE"}
var languageSets = [][]string{{"English", "French"}, {"English"}, {"English", "Spanish"}, {"English", "German"}, {"French"}, {"English", "Portuguese"}, {"English", "Italian"}}
var reviewTexts = []string{
	"Delivered ahead of schedule and exactly what we asked for.",
	"Great communication, clear process, excellent result.",
	"Our team loved the final work. We will order again.",
	"Very professional, handled our feedback quickly.",
	"Good work overall, one extra revision was needed.",
	"Solid quality for the price. Recommended.",
	"Understood our brief immediately. Impressive.",
	"Reliable and thoughtful, a real partner for our project.",
}
var reviewers = []string{"Northwind Labs", "Acme Corp", "Globex", "Initech", "Umbrella Health", "Stark Industries", "Wayne Foods", "Hooli", "Vandelay Import", "Soylent Co"}
