/// The dashboard's swift-mustache templates, by name. Every page extends `layout`
/// (`{{<layout}}{{$content}}…{{/content}}{{/layout}}`); `{{x}}` escapes, `{{{x}}}` is only used
/// for the SVG charts the server draws (`SVGChart`, which escapes its own text).
enum DashboardTemplates {
    static var all: [String: String] {
        [
            "layout": layout, "login": login, "error": error, "overview": overview,
            "profiles": profiles, "profile": profile, "erased": erased,
            "segments": segments, "experiences": experiences, "experience": experience, "experience_form": experienceForm,
            "recommendations": recommendations, "triggers": triggers, "catalog": catalog, "settings": settings, "rewards": rewards,
            "errors": errors, "item_cards": itemCards,
        ]
    }

    static let layout = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{#csrf}}<meta name="csrf" content="{{csrf}}">{{/csrf}}
        <title>{{title}} · Barista</title>
        <link rel="stylesheet" href="/dashboard/assets/dashboard.css">
        <script src="/dashboard/assets/dashboard.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to the content</a>
        {{#user}}
        <header>
          <a class="brand" href="/dashboard">☕ Barista</a>
          <nav aria-label="Dashboard"><ul>
            {{#nav}}<li><a href="{{path}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}
          </ul></nav>
          <div class="who">
            <span>{{email}} · {{role}}</span>
            <form class="inline" method="post" action="/dashboard/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Sign out</button></form>
          </div>
        </header>
        {{/user}}
        <main id="main">
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """#

    static let errors = #"""
        {{#has_errors}}<div class="errors" role="alert"><p><strong>Please fix:</strong></p><ul>{{#errors}}<li>{{#field}}<code>{{field}}</code> {{/field}}{{message}}</li>{{/errors}}</ul></div>{{/has_errors}}
        """#

    static let itemCards = #"""
        <div class="items">{{#items}}<div class="item">{{#image}}<img src="{{image}}" alt="" loading="lazy">{{/image}}<div><strong>{{title}}</strong></div><div class="hint">{{id}}{{#brand}} · {{brand}}{{/brand}}{{#category}} · {{category}}{{/category}}</div>{{#price}}<div>{{price}}</div>{{/price}}{{#reason}}<div class="hint">{{reason}}</div>{{/reason}}</div>{{/items}}</div>
        """#

    static let login = #"""
        {{<layout}}{{$content}}
        <h1>Sign in to Barista</h1>
        {{#message}}<div class="errors" role="alert">{{message}}</div>{{/message}}
        <form method="post" action="/dashboard/login">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="next" value="{{next}}">
          <label for="email">Email</label>
          <input type="email" id="email" name="email" value="{{email}}" autocomplete="username" required autofocus>
          <label for="password">Password</label>
          <input type="password" id="password" name="password" autocomplete="current-password" required>
          <p><button type="submit">Sign in</button></p>
        </form>
        <p class="hint">Accounts are made with <code>barista users create EMAIL --site NAME</code>.</p>
        {{/content}}{{/layout}}
        """#

    static let error = #"""
        {{<layout}}{{$content}}
        <h1>{{heading}}</h1>
        <div class="notice" role="alert">{{detail}}</div>
        <p><a href="/dashboard">Back to the overview</a></p>
        {{/content}}{{/layout}}
        """#

    static let overview = #"""
        {{<layout}}{{$content}}
        <h1>Overview</h1>
        <div class="cards">
          <div class="card"><div class="small">Events, last hour</div><div class="big">{{events_last_hour}}</div></div>
          <div class="card"><div class="small">Profiles</div><div class="big">{{profiles}}</div><div class="small">{{identified}} known by user id</div></div>
          <div class="card"><div class="small">Active</div><div class="big">{{active7d}}</div><div class="small">in 7 days · {{active30d}} in 30</div></div>
          <div class="card"><div class="small">Orders</div><div class="big">{{orders}}</div><div class="small">from {{customers}} customers</div></div>
          <div class="card"><div class="small">Revenue</div><div class="big">{{revenue}}</div><div class="small">all orders folded into profiles</div></div>
        </div>
        <h2>Events per minute</h2>
        {{{events_chart}}}
        <h2>What personalization earns, last 30 days</h2>
        {{#value}}
        <p class="verdict">{{verdict}}</p>
        <p>Revenue per person: <strong>{{personalized_rpp}}</strong> personalized against <strong>{{holdout_rpp}}</strong> in the global holdout ({{holdout_percent}}% of people). Difference: {{revenue_interval}}.</p>
        <p>Conversion: {{personalized_cr}} against {{holdout_cr}}. Uplift: {{conversion_interval}}.</p>
        <div class="table-wrap"><table><caption class="hint">People with a decision in the period</caption>
          <tr><th></th><th class="num">People</th><th class="num">Conversion</th><th class="num">Revenue per person</th></tr>
          <tr><td>Personalized</td><td class="num">{{personalized_profiles}}</td><td class="num">{{personalized_cr}}</td><td class="num">{{personalized_rpp}}</td></tr>
          <tr><td>Global holdout</td><td class="num">{{holdout_profiles}}</td><td class="num">{{holdout_cr}}</td><td class="num">{{holdout_rpp}}</td></tr>
        </table></div>
        {{/value}}
        {{{value_chart}}}
        <h2>Top experiences</h2>
        {{^has_experiences}}<p>No experience is running. <a href="/dashboard/experiences">Create one</a>.</p>{{/has_experiences}}
        {{#has_experiences}}
        <div class="table-wrap"><table>
          <tr><th>Experience</th><th>Placement</th><th>Status</th><th class="num">People</th><th>Result</th></tr>
          {{#experiences}}<tr><td><a href="/dashboard/experiences/{{key}}">{{key}}</a></td><td>{{placement}}</td><td class="status-{{status}}">{{status}}</td><td class="num">{{exposures}}</td><td>{{summary}}</td></tr>{{/experiences}}
        </table></div>
        {{/has_experiences}}
        {{/content}}{{/layout}}
        """#

    static let profiles = #"""
        {{<layout}}{{$content}}
        <h1>Profiles <span class="hint">({{total}})</span></h1>
        <form method="get" action="/dashboard/profiles" role="search" class="row">
          <div><label for="q">Search by id, email or trait</label><input type="search" id="q" name="q" value="{{q}}" placeholder="cust-00042, ana@example.com, Paris"></div>
          <div><button type="submit">Search</button></div>
        </form>
        {{#empty}}<p>No profile matches.</p>{{/empty}}
        {{^empty}}
        <div class="table-wrap"><table>
          <tr><th>Profile</th><th>User</th><th>Email</th><th>Last seen</th><th class="num">Orders</th><th class="num">Revenue</th><th>Intent</th><th>Segments</th></tr>
          {{#rows}}<tr><td><a href="{{path}}">{{id}}</a></td><td>{{user_id}}</td><td>{{email}}</td><td>{{last_seen}}</td><td class="num">{{orders}}</td><td class="num">{{revenue}}</td><td>{{intent}}</td><td>{{#segments}}<span class="pill">{{.}}</span>{{/segments}}</td></tr>{{/rows}}
        </table></div>
        {{/empty}}
        {{#next}}<p><a href="{{next}}">Next page →</a></p>{{/next}}
        {{/content}}{{/layout}}
        """#

    static let profile = #"""
        {{<layout}}{{$content}}
        <h1>Profile {{id}}</h1>
        <p>{{#user_ids}}<span class="pill">user {{.}}</span>{{/user_ids}}{{#anonymous_ids}}<span class="pill">anonymous {{.}}</span>{{/anonymous_ids}}</p>
        <div class="cards">
          <div class="card"><div class="small">Orders</div><div class="big">{{orders}}</div><div class="small">revenue {{revenue}}</div></div>
          <div class="card"><div class="small">Intent now</div><div class="big">{{intent}}</div><div class="small">{{#intent_signals}}{{.}} {{/intent_signals}}</div></div>
          <div class="card"><div class="small">First and last seen</div><div>{{first_seen}}</div><div>{{last_seen}}</div></div>
          <div class="card"><div class="small">Learned email cadence</div>{{#cadence}}<div class="big">{{per_week}}/week</div><div class="small">{{reason}}</div>{{/cadence}}{{^cadence}}<div>no email history yet</div>{{/cadence}}{{#send_hour}}<div class="small">usually opens at {{send_hour}}</div>{{/send_hour}}</div>
        </div>
        <h2>Segments</h2>
        <p>{{#segments}}<span class="pill">{{.}}</span>{{/segments}}{{^segments}}In no segment.{{/segments}}{{#persona}} Persona: <strong>{{persona}}</strong>.{{/persona}}</p>
        <h2>Predictions</h2>
        {{^predictions}}<p>No prediction yet (they need a fitted model and a purchase history).</p>{{/predictions}}
        <div class="table-wrap"><table>{{#predictions}}<tr><th scope="row">{{name}}</th><td class="num">{{value}}</td></tr>{{/predictions}}</table></div>
        <h2>Affinities</h2>
        {{^has_affinities}}<p>No affinity yet.</p>{{/has_affinities}}
        {{#affinities}}<h3>{{dimension}}</h3>{{{chart}}}{{/affinities}}
        <h2>Consent</h2>
        <p>{{#consent}}<span class="pill">{{purpose}}: {{#granted}}yes{{/granted}}{{^granted}}no{{/granted}}</span>{{/consent}}</p>
        <h2>Traits</h2>
        <div class="table-wrap"><table>{{#traits}}<tr><th scope="row">{{name}}</th><td>{{value}}</td></tr>{{/traits}}</table></div>
        {{#has_cart}}<h2>Cart</h2><p>{{#cart}}<span class="pill">{{.}}</span>{{/cart}}</p>{{/has_cart}}
        <h2>Timeline <span class="hint">(latest 100 events)</span></h2>
        <ol class="timeline" reversed>{{#timeline}}<li><strong>{{name}}</strong> · {{at}} · {{channel}} {{detail}}</li>{{/timeline}}</ol>
        <h2>Export and erase</h2>
        <p><a class="button secondary" href="{{path}}/export" download>Export everything (JSON)</a></p>
        {{#user.can_edit}}
        <form method="post" action="{{path}}" data-confirm="Erase profile {{id}} and all its events? This cannot be undone.">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="action" value="erase">
          {{#erase_error}}<div class="errors" role="alert">{{erase_error}}</div>{{/erase_error}}
          <label for="confirm">To erase this person (right to be forgotten), type the profile id <code>{{id}}</code></label>
          <input type="text" id="confirm" name="confirm" autocomplete="off">
          <p><button type="submit" class="danger">Erase this profile</button></p>
        </form>
        {{/user.can_edit}}
        <details><summary>The profile as the API returns it</summary><pre>{{json}}</pre></details>
        {{/content}}{{/layout}}
        """#

    static let erased = #"""
        {{<layout}}{{$content}}
        <h1>Profile erased</h1>
        <div class="notice" role="status">Profile <code>{{id}}</code> was erased at {{at}}: {{events}} events deleted, with its identities, decisions and messages.</div>
        <p><a href="/dashboard/profiles">Back to profiles</a></p>
        {{/content}}{{/layout}}
        """#

    static let segments = #"""
        {{<layout}}{{$content}}
        <h1>Segments</h1>
        {{#notice}}<div class="notice" role="status">{{notice}}</div>{{/notice}}
        {{>errors}}
        {{#empty}}<p>No segment yet.</p>{{/empty}}
        {{^empty}}
        <div class="table-wrap"><table>
          <tr><th>Segment</th><th class="num">People now</th><th>Trend</th><th></th></tr>
          {{#rows}}<tr><td><strong>{{name}}</strong> <span class="hint">{{key}}</span>{{#persona}} <span class="pill">persona</span>{{/persona}}</td><td class="num">{{size}}</td><td>{{trend}}{{{sparkline}}}</td>
            <td>{{#user.can_edit}}<a href="{{edit}}">Edit</a>
              <form class="inline" method="post" action="/dashboard/segments" data-confirm="Delete segment {{key}}?"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="delete"><input type="hidden" name="key" value="{{key}}"><button type="submit" class="secondary">Delete</button></form>{{/user.can_edit}}</td></tr>{{/rows}}
        </table></div>
        {{/empty}}
        {{#user.can_edit}}
        {{#form}}
        <h2>{{#editing}}Edit segment {{key}}{{/editing}}{{^editing}}New segment{{/editing}}</h2>
        <form method="post" action="/dashboard/segments" class="builder" data-builder data-output="rule" data-size="live-size" data-preview="/dashboard/segments/preview">
          <input type="hidden" name="csrf" value="{{csrf}}">
          {{#editing}}<input type="hidden" name="editing" value="1"><input type="hidden" name="key" value="{{key}}">{{/editing}}
          <div class="row">
            {{^editing}}<div><label for="segment-key">Key</label><input type="text" id="segment-key" name="key" value="{{key}}" required pattern="[a-z0-9][a-z0-9_-]*" placeholder="vip-runners"></div>{{/editing}}
            <div><label for="segment-name">Name</label><input type="text" id="segment-name" name="name" value="{{name}}" placeholder="VIP runners"></div>
            <div><label for="segment-priority">Priority</label><input type="number" id="segment-priority" name="priority" value="{{priority}}"></div>
            <div><label><input type="checkbox" name="persona" {{#persona}}checked{{/persona}}> A persona</label></div>
          </div>
          <p class="hint">People match when they match <strong>any</strong> group; a group matches when <strong>all</strong> its conditions do.</p>
          <div class="groups"></div>
          <p><button type="button" class="secondary" data-action="add-group">+ Another group (or)</button></p>
          <p aria-live="polite"><strong id="live-size">{{#editing}}Change the rule to see its size.{{/editing}}</strong></p>
          <label for="rule">The rule as JSON (written by the builder; you may edit it)</label>
          <textarea id="rule" name="rule" {{#editing}}data-initial="1"{{/editing}}>{{rule}}</textarea>
          <p><button type="submit">Save segment</button></p>
        </form>
        <template id="tpl-group"><fieldset class="group"><legend>Group</legend><div class="conditions"></div>
          <button type="button" class="secondary" data-action="add-condition">+ Condition (and)</button>
          <label><input type="checkbox" name="negate"> Exclude people who match this group</label></fieldset></template>
        <template id="tpl-condition"><div class="condition">
          <select name="kind" aria-label="Condition type"><option value="event">Did an event</option><option value="trait">Has a trait</option><option value="affinity">Likes</option><option value="prediction">Prediction</option><option value="consent">Consented to</option><option value="segment">Is in segment</option></select>
          <input data-for="event" name="event" aria-label="Event name" value="Order Completed">
          <select data-for="event" name="count_op" aria-label="Comparison"><option value="gte">at least</option><option value="lte">at most</option><option value="eq">exactly</option></select>
          <input data-for="event" name="count" type="number" min="0" value="1" aria-label="Times" style="width:5em"> <span data-for="event">times within</span>
          <select data-for="event" name="within" aria-label="Time window"><option value="">ever</option><option value="1d">1 day</option><option value="7d">7 days</option><option value="30d" selected>30 days</option><option value="90d">90 days</option><option value="365d">1 year</option></select>
          <input data-for="trait" name="trait" aria-label="Trait" placeholder="country">
          <select data-for="trait" name="trait_op" aria-label="Comparison"><option value="eq">is</option><option value="ne">is not</option><option value="gte">≥</option><option value="lte">≤</option><option value="contains">contains</option><option value="exists">exists</option></select>
          <input data-for="trait" name="value" aria-label="Value" placeholder="FR">
          <select data-for="affinity" name="facet" aria-label="Attribute"><option>brand</option><option>category</option><option>color</option><option>style</option></select>
          <input data-for="affinity" name="facet_value" aria-label="Value" placeholder="Nike">
          <span data-for="affinity">share at least</span><input data-for="affinity" name="affinity_min" type="number" step="0.05" min="0" max="1" value="0.2" aria-label="Minimum share" style="width:5em">
          <select data-for="prediction" name="prediction" aria-label="Prediction"><option>p_alive</option><option>clv_12m</option><option>expected_orders_90d</option><option>email_open_rate</option></select>
          <select data-for="prediction" name="prediction_op" aria-label="Comparison"><option value="lt">below</option><option value="gte">at least</option></select>
          <input data-for="prediction" name="prediction_value" type="number" step="any" value="0.3" aria-label="Threshold" style="width:6em">
          <select data-for="consent" name="purpose" aria-label="Purpose"><option>email</option><option>personalization</option><option>analytics</option></select>
          <select data-for="segment" name="segment" aria-label="Segment">{{#segment_keys}}<option>{{.}}</option>{{/segment_keys}}</select>
          <button type="button" class="secondary" data-action="remove" aria-label="Remove this condition">✕</button>
        </div></template>
        {{/form}}
        {{/user.can_edit}}
        {{/content}}{{/layout}}
        """#

    static let experiences = #"""
        {{<layout}}{{$content}}
        <h1>Experiences</h1>
        {{#empty}}<p>No experience yet.</p>{{/empty}}
        {{^empty}}
        <div class="table-wrap"><table>
          <tr><th>Experience</th><th>Placement</th><th>Status</th><th>Allocation</th><th>Variants</th><th>Control</th><th>Result, last 30 days</th><th></th></tr>
          {{#rows}}<tr><td><a href="/dashboard/experiences/{{key}}">{{key}}</a></td><td>{{placement}}</td><td class="status-{{status}}">{{status}}</td><td>{{allocation}}</td><td>{{variants}}</td><td>{{control}}</td><td>{{summary}}</td>
            <td>{{#user.can_edit}}<form class="inline" method="post" action="/dashboard/experiences"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="key" value="{{key}}">{{#running}}<button type="submit" name="action" value="pause" class="secondary">Pause</button>{{/running}}{{^running}}<button type="submit" name="action" value="start">Start</button>{{/running}}</form>{{/user.can_edit}}</td></tr>{{/rows}}
        </table></div>
        {{/empty}}
        {{#user.can_edit}}
        <h2>New experience</h2>
        {{>experience_form}}
        {{/user.can_edit}}
        {{/content}}{{/layout}}
        """#

    static let experienceForm = #"""
        {{>errors}}
        {{#form}}
        <form method="post" action="/dashboard/experiences">
          <input type="hidden" name="csrf" value="{{csrf}}">
          {{#editing}}<input type="hidden" name="editing" value="1"><input type="hidden" name="key" value="{{key}}">{{/editing}}
          <div class="row">
            {{^editing}}<div><label for="exp-key">Key</label><input type="text" id="exp-key" name="key" value="{{key}}" required placeholder="home-hero"></div>{{/editing}}
            <div><label for="exp-name">Name</label><input type="text" id="exp-name" name="name" value="{{name}}"></div>
            <div><label for="exp-placement">Placement</label><input type="text" id="exp-placement" name="placement" value="{{placement}}" required placeholder="home_hero"></div>
            <div><label for="exp-priority">Priority</label><input type="number" id="exp-priority" name="priority" value="{{priority}}"></div>
          </div>
          <div class="row">
            <div><label for="exp-audience">Audience</label><select id="exp-audience" name="audience">{{#audience_options}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/audience_options}}</select></div>
            <div><label for="exp-allocation">Allocation</label><select id="exp-allocation" name="allocation">{{#allocation_options}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/allocation_options}}</select></div>
            <div><label for="exp-control">Control group %</label><input type="number" id="exp-control" name="control_percent" value="{{control}}" min="0" max="50" step="any"></div>
          </div>
          <div class="row">
            <div><label for="exp-goal">Goal event</label><input type="text" id="exp-goal" name="goal" value="{{goal}}"></div>
            <div><label for="exp-window">Within</label><input type="text" id="exp-window" name="window" value="{{window}}" placeholder="7d"></div>
            <div><label for="exp-start">Start (UTC, optional)</label><input type="datetime-local" id="exp-start" name="start" value="{{start}}"></div>
            <div><label for="exp-end">End (UTC, optional)</label><input type="datetime-local" id="exp-end" name="end" value="{{end}}"></div>
            <div><label for="exp-status">On save</label><select id="exp-status" name="status">{{#status_options}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/status_options}}</select></div>
          </div>
          <h3>Variants</h3>
          <p class="hint">Each variant shows a payload (JSON your page renders) or recommendations. Leave a key empty to drop the row. Weights apply to A/B tests; empty means an even split.</p>
          {{#variants}}
          <fieldset><legend>Variant {{number}}</legend>
            <div class="row">
              <div><label for="v{{index}}-key">Key</label><input type="text" id="v{{index}}-key" name="variant_{{index}}_key" value="{{key}}"></div>
              <div><label for="v{{index}}-type">Shows</label><select id="v{{index}}-type" name="variant_{{index}}_type"><option value="payload">a payload</option><option value="recommendations" {{#is_recs}}selected{{/is_recs}}>recommendations</option></select></div>
              <div><label for="v{{index}}-weight">Weight</label><input type="number" step="any" min="0" id="v{{index}}-weight" name="variant_{{index}}_weight" value="{{weight}}"></div>
              <div><label for="v{{index}}-strategy">Strategy</label><select id="v{{index}}-strategy" name="variant_{{index}}_strategy">{{#strategy_options}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/strategy_options}}</select></div>
              <div><label for="v{{index}}-limit">How many</label><input type="number" min="1" max="100" id="v{{index}}-limit" name="variant_{{index}}_limit" value="{{limit}}"></div>
            </div>
            <label for="v{{index}}-payload">Payload (JSON)</label>
            <textarea id="v{{index}}-payload" name="variant_{{index}}_payload" rows="3">{{payload}}</textarea>
          </fieldset>
          {{/variants}}
          <p><button type="submit">Save experience</button></p>
        </form>
        {{/form}}
        """#

    static let experience = #"""
        {{<layout}}{{$content}}
        <h1>Experience {{key}} <span class="hint status-{{status}}">{{status}}</span></h1>
        <p>Placement <code>{{placement}}</code>, allocation {{allocation}}. Results for the last {{days}} days (<a href="?days=7">7</a> · <a href="?days=30">30</a> · <a href="?days=90">90</a>).</p>
        {{#user.can_edit}}<form method="post" action="/dashboard/experiences"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="key" value="{{key}}"><input type="hidden" name="back" value="report">{{#running}}<button type="submit" name="action" value="pause" class="secondary">Pause</button>{{/running}}{{^running}}<button type="submit" name="action" value="start">Start</button>{{/running}}</form>{{/user.can_edit}}
        <h2>What the results say</h2>
        {{#lines}}<p class="verdict">{{.}}</p>{{/lines}}
        {{^lines}}<p>No one has seen it yet.</p>{{/lines}}
        {{{uplift_chart}}}
        <div class="table-wrap"><table>
          <tr><th>Arm</th><th class="num">People</th><th class="num">Conversions</th><th class="num">Rate</th><th class="num">Revenue / person</th><th>Uplift over control (95%)</th><th class="num">Chance best</th></tr>
          {{#arms}}<tr><td>{{key}}</td><td class="num">{{exposures}}</td><td class="num">{{conversions}}</td><td class="num">{{rate}}</td><td class="num">{{rpe}}</td><td>{{uplift}}</td><td class="num">{{best}}</td></tr>{{/arms}}
        </table></div>
        <p class="hint">Sample-ratio check p = {{srm}} (a tiny value means the split is off).</p>
        {{{exposure_chart}}}
        {{#user.can_edit}}<h2>Edit</h2>{{>experience_form}}{{/user.can_edit}}
        <details><summary>The experience as the API returns it</summary><pre>{{json}}</pre></details>
        {{/content}}{{/layout}}
        """#

    static let recommendations = #"""
        {{<layout}}{{$content}}
        <h1>Recommendations</h1>
        <form method="get" action="/dashboard/recommendations" class="row">
          <div><label for="who">For</label><select id="who" name="who"><option value="user" {{#who_user}}selected{{/who_user}}>a user id</option><option value="anonymous" {{#who_anonymous}}selected{{/who_anonymous}}>an anonymous session</option><option value="profile" {{#who_profile}}selected{{/who_profile}}>a profile id</option></select></div>
          <div><label for="rec-id">Id (empty for a stranger)</label><input type="text" id="rec-id" name="id" value="{{id}}" placeholder="cust-00001"></div>
          <div><label for="rec-item">On the page of item (optional)</label><input type="text" id="rec-item" name="item" value="{{item}}" placeholder="an item id"></div>
          <div><button type="submit">Show every strategy</button></div>
        </form>
        {{#problems}}<div class="notice">{{.}}</div>{{/problems}}
        {{#asked}}<p class="hint">Previews are not counted as impressions.</p>{{/asked}}
        {{#strategies}}
        <h2>{{strategy}}</h2>
        {{#error}}<div class="notice">{{error}}</div>{{/error}}
        {{#empty}}{{^error}}<p>Nothing to show.</p>{{/error}}{{/empty}}
        {{>item_cards}}
        {{/strategies}}
        <h2>Performance by strategy, last 30 days</h2>
        {{#no_performance}}<p>No recommendation has been shown yet.</p>{{/no_performance}}
        {{^no_performance}}
        <div class="table-wrap"><table>
          <tr><th>Strategy</th><th class="num">Requests</th><th class="num">Items shown</th><th class="num">Clicks</th><th class="num">Click-through</th><th class="num">Orders</th><th class="num">Revenue</th></tr>
          {{#performance}}<tr><td>{{strategy}}</td><td class="num">{{requests}}</td><td class="num">{{impressions}}</td><td class="num">{{clicks}}</td><td class="num">{{ctr}}</td><td class="num">{{orders}}</td><td class="num">{{revenue}}</td></tr>{{/performance}}
        </table></div>
        {{/no_performance}}
        {{/content}}{{/layout}}
        """#

    static let triggers = #"""
        {{<layout}}{{$content}}
        <h1>Triggers and messages</h1>
        {{#no_triggers}}<p>No trigger yet.</p>{{/no_triggers}}
        {{^no_triggers}}
        <div class="table-wrap"><table>
          <tr><th>Trigger</th><th>When</th><th>Channel</th><th>Status</th><th></th></tr>
          {{#triggers}}<tr><td><strong>{{name}}</strong> <span class="hint">{{key}}</span></td><td><span class="pill">{{kind}}</span> <code>{{when}}</code></td><td>{{channel}}</td><td class="status-{{status}}">{{status}}</td>
            <td>{{#user.can_edit}}<a href="{{edit}}">Edit</a>
              <form class="inline" method="post" action="/dashboard/triggers"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="key" value="{{key}}">{{#active}}<button type="submit" name="action" value="pause" class="secondary">Pause</button>{{/active}}{{^active}}<button type="submit" name="action" value="start">Start</button>{{/active}}</form>
              <form class="inline" method="post" action="/dashboard/triggers" data-confirm="Delete trigger {{key}} and cancel its scheduled messages?"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="key" value="{{key}}"><button type="submit" name="action" value="delete" class="secondary">Delete</button></form>{{/user.can_edit}}</td></tr>{{/triggers}}
        </table></div>
        <p class="hint">Pausing a trigger cancels the messages it had scheduled; starting it again schedules only new ones.</p>
        {{/no_triggers}}
        {{#user.can_edit}}
        <h2>{{#editing}}Edit trigger{{/editing}}{{^editing}}New trigger{{/editing}}</h2>
        {{>errors}}
        <form method="post" action="/dashboard/triggers">
          <input type="hidden" name="csrf" value="{{csrf}}">
          {{#editing}}<input type="hidden" name="editing" value="1">{{/editing}}
          <label for="definition">Definition (API.md's trigger JSON)</label>
          <textarea id="definition" name="definition" rows="12">{{definition}}</textarea>
          <p class="hint">When: <code>{"event","no_event","after"}</code> (abandonment), <code>{"event","after"}</code> (after an event), <code>{"date_trait","days_before"}</code>, <code>{"prediction","op","value"}</code>, <code>{"price_drop":{"min_percent"}}</code>, <code>{"sequence":[…],"within"}</code>. Channel <code>email</code> (to <code>deliver.webhook</code>) or <code>in_app</code>.</p>
          <p><button type="submit">Save trigger</button></p>
        </form>
        {{/user.can_edit}}
        <h2>Outbox</h2>
        <form method="get" action="/dashboard/triggers" class="row"><div><label for="status">Status</label><select id="status" name="status"><option value="">any</option>{{#statuses}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{value}}</option>{{/statuses}}</select></div><div><button type="submit">Filter</button></div></form>
        {{#no_messages}}<p>No message.</p>{{/no_messages}}
        {{^no_messages}}
        <div class="table-wrap"><table>
          <tr><th>Message</th><th>Trigger</th><th>Channel</th><th>Person</th><th>Status</th><th class="num">Attempts</th><th>Due</th><th>Delivered</th><th>Last error</th></tr>
          {{#outbox}}<tr><td><code>{{id}}</code></td><td>{{trigger}}</td><td>{{channel}}</td><td><a href="{{profile_path}}">{{profile}}</a></td><td class="status-{{status}}">{{status}}</td><td class="num">{{attempts}}</td><td>{{due}}</td><td>{{delivered}}</td><td>{{error}}</td></tr>{{/outbox}}
        </table></div>
        {{/no_messages}}
        {{#next}}<p><a href="{{next}}">Older messages →</a></p>{{/next}}
        {{/content}}{{/layout}}
        """#

    static let catalog = #"""
        {{<layout}}{{$content}}
        <h1>Catalog <span class="hint">({{total}} items)</span></h1>
        <form method="get" action="/dashboard/catalog" role="search" class="row">
          <div><label for="cat-q">Search</label><input type="search" id="cat-q" name="q" value="{{q}}" placeholder="title, brand, id"></div>
          <div><label for="cat-category">Category</label><input type="text" id="cat-category" name="category" value="{{category}}"></div>
          <div><button type="submit">Search</button></div>
        </form>
        {{#empty}}<p>No item matches.</p>{{/empty}}
        {{>item_cards}}
        {{#next}}<p><a href="{{next}}">More items →</a></p>{{/next}}
        {{#user.can_edit}}
        <h2>Import a CSV</h2>
        <form method="post" action="/dashboard/catalog/import" data-import enctype="multipart/form-data">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="csv-file">A CSV file with a header row: <code>item_id,title,category,brand,color,style,price,currency,tags,in_stock,url,image_url</code> (other columns become attributes)</label>
          <input type="file" id="csv-file" name="file" accept=".csv,text/csv">
          <p><button type="submit">Import</button></p>
          <progress max="1" value="0" hidden aria-label="Import progress"></progress>
          <p class="import-status" role="status" aria-live="polite"></p>
        </form>
        {{/user.can_edit}}
        {{/content}}{{/layout}}
        """#

    static let settings = #"""
        {{<layout}}{{$content}}
        <h1>Settings</h1>
        {{#notice}}<div class="notice" role="status">{{notice}}</div>{{/notice}}
        {{>errors}}
        <h2>API keys</h2>
        {{#new_key}}<div class="notice" role="status">New {{new_key_scope}} key, shown only this once: <code id="new-key">{{new_key}}</code></div>{{/new_key}}
        <div class="table-wrap"><table>
          <tr><th>Key</th><th>Scope</th><th>Created</th><th>Revoked</th><th></th></tr>
          {{#keys}}<tr><td><code>{{prefix}}…</code></td><td>{{scope}}</td><td>{{created}}</td><td>{{#revoked}}{{revoked}}{{/revoked}}{{^revoked}}–{{/revoked}}</td>
            <td>{{^revoked}}{{#user.is_admin}}<form class="inline" method="post" action="/dashboard/settings" data-confirm="Revoke {{prefix}}…? Requests with it will be refused."><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="revoke_key"><input type="hidden" name="prefix" value="{{prefix}}"><button type="submit" class="secondary">Revoke</button></form>{{/user.is_admin}}{{/revoked}}</td></tr>{{/keys}}
        </table></div>
        {{#user.is_admin}}
        <form method="post" action="/dashboard/settings" class="row">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="create_key">
          <div><label for="scope">New key</label><select id="scope" name="scope"><option value="publishable">publishable (browsers and apps)</option><option value="secret">secret (servers)</option></select></div>
          <div><button type="submit">Create key</button></div>
        </form>
        {{/user.is_admin}}
        <h2>Site</h2>
        {{^user.is_admin}}<p class="hint">Only an admin can change these.</p>{{/user.is_admin}}
        <form method="post" action="/dashboard/settings">
          <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="settings">
          <fieldset {{^user.is_admin}}disabled{{/user.is_admin}}>
          <legend>Measurement and learning</legend>
          <label for="holdout">Global holdout % (people who never get personalization, to measure what it earns)</label>
          <input type="number" id="holdout" name="holdout" value="{{holdout}}" min="0" max="50" step="any">
          <label for="weights">Feedback weights (one <code>Event Name=weight</code> a line)</label>
          <textarea id="weights" name="weights" rows="5">{{weights}}</textarea>
          <label for="half_life">Affinity half-life</label>
          <input type="text" id="half_life" name="half_life" value="{{half_life}}">
          </fieldset>
          <fieldset {{^user.is_admin}}disabled{{/user.is_admin}}>
          <legend>Messages and security</legend>
          <label for="webhook_secret">Webhook secret (signs deliveries; {{#webhook_set}}set — type a new one to replace it{{/webhook_set}}{{^webhook_set}}not set{{/webhook_set}})</label>
          <input type="password" id="webhook_secret" name="webhook_secret" autocomplete="new-password" minlength="16">
          <label for="cap">Most emails per person a week</label>
          <input type="number" id="cap" name="cap" value="{{cap}}" min="0" max="100" step="any">
          <label for="identity_secret">Identity secret for user hashes ({{#identity_set}}set{{/identity_set}}{{^identity_set}}not set{{/identity_set}})</label>
          <input type="password" id="identity_secret" name="identity_secret" autocomplete="new-password" minlength="16">
          <label><input type="checkbox" name="require_user_hash" {{#require_user_hash}}checked{{/require_user_hash}}> Require a user hash with browser events that name a user</label>
          <label for="origins">Allowed browser origins (one a line)</label>
          <textarea id="origins" name="origins" rows="3">{{origins}}</textarea>
          <label for="rate_limit">Requests a second per key (0 = no limit)</label>
          <input type="number" id="rate_limit" name="rate_limit" value="{{rate_limit}}" min="0" step="any">
          </fieldset>
          <fieldset {{^user.is_admin}}disabled{{/user.is_admin}}>
          <legend>Data</legend>
          <label for="retention">Keep events for this many days (empty: keep everything)</label>
          <input type="number" id="retention" name="retention" value="{{retention}}" min="1" step="1">
          </fieldset>
          {{#user.is_admin}}<p><button type="submit">Save settings</button></p>{{/user.is_admin}}
        </form>
        <h2>Dashboard accounts</h2>
        <ul>{{#users}}<li>{{email}} · {{role}}</li>{{/users}}</ul>
        <p class="hint">Add one with <code>barista users create EMAIL --site NAME --role marketer</code>.</p>
        {{/content}}{{/layout}}
        """#

    static let rewards = #"""
        {{<layout}}{{$content}}
        <h1>Rewards</h1>
        {{#notice}}<div class="notice" role="status">{{notice}}</div>{{/notice}}
        {{>errors}}
        <div class="cards">
          <div class="card"><div class="small">Points outstanding (liability)</div><div class="big">{{outstanding}}</div><div class="small">held by {{holders}} people</div></div>
          <div class="card"><div class="small">Earned, last 30 days</div><div class="big">{{treated.earned}}</div><div class="small">{{treated.redeemed}} redeemed</div></div>
        </div>
        {{^has_program}}<p>No programme yet: write one below (earn rules, tiers, rewards).</p>{{/has_program}}
        {{#has_program}}
        <h2>Earn rules</h2>
        <div class="table-wrap"><table><tr><th>Event</th><th class="num">Points</th><th>Per</th></tr>
          {{#earn}}<tr><td>{{event}}</td><td class="num">{{points}}</td><td>{{unit}}</td></tr>{{/earn}}</table></div>
        <h2>Bonus multipliers</h2>
        {{^multipliers}}<p>None.</p>{{/multipliers}}
        <div class="table-wrap"><table>{{#multipliers}}<tr><td>{{segment}}</td><td class="num">×{{factor}}</td><td>{{from}} → {{to}}</td></tr>{{/multipliers}}</table></div>
        <h2>Tiers</h2>
        {{^tiers}}<p>None.</p>{{/tiers}}
        {{#has_tiers}}<div class="table-wrap"><table><tr><th>Tier</th><th class="num">From points</th><th>Over</th><th class="num">People now</th><th>Benefits</th></tr>
          {{#tiers}}<tr><td>{{key}}</td><td class="num">{{min}}</td><td>{{window}}</td><td class="num">{{people}}</td><td><code>{{benefits}}</code></td></tr>{{/tiers}}</table></div>{{/has_tiers}}
        <h2>Rewards</h2>
        <div class="table-wrap"><table><tr><th>Reward</th><th class="num">Points</th><th class="num">People who could redeem now</th></tr>
          {{#rewards}}<tr><td>{{title}} <span class="hint">{{key}}</span></td><td class="num">{{points}}</td><td class="num">{{can_redeem}}</td></tr>{{/rewards}}</table></div>
        {{/has_program}}
        <h2>Against the global holdout, last 30 days</h2>
        <div class="table-wrap"><table><tr><th></th><th class="num">Members active</th><th class="num">Points earned</th><th class="num">Order revenue</th><th class="num">Revenue per member</th></tr>
          {{#treated}}<tr><td>Personalized (with offers)</td><td class="num">{{profiles}}</td><td class="num">{{earned}}</td><td class="num">{{revenue}}</td><td class="num">{{per_profile}}</td></tr>{{/treated}}
          {{#holdout}}<tr><td>Global holdout</td><td class="num">{{profiles}}</td><td class="num">{{earned}}</td><td class="num">{{revenue}}</td><td class="num">{{per_profile}}</td></tr>{{/holdout}}
        </table></div>
        {{#user.can_edit}}
        <h2>Edit the programme</h2>
        <form method="post" action="/dashboard/rewards">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="program">The programme (API.md's JSON; it applies to events from now on)</label>
          <textarea id="program" name="program" rows="14">{{program}}</textarea>
          <p><button type="submit">Save programme</button></p>
        </form>
        {{/user.can_edit}}
        {{/content}}{{/layout}}
        """#
}
