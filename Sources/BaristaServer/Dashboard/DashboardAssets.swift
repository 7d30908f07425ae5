/// The dashboard's stylesheet and scripts, embedded so the binary stays one file to deploy.
///
/// No build step: plain CSS, and plain JavaScript that only adds to pages which work without it
/// (a confirmation before erasing, the segment builder's live size, the import's progress bar).
enum DashboardAssets {
    static let css = #"""
        :root { --ink: #1d1b19; --muted: #5c554f; --line: #d8d2cb; --paper: #fffdf9; --accent: #7a3e12; --accent-ink: #ffffff;
                --good: #1d6b33; --bad: #a1261b; --neutral: #5c554f; --bar: #a15a23; font-family: system-ui, sans-serif; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--ink); background: var(--paper); line-height: 1.45; }
        a { color: var(--accent); }
        a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus { outline: 3px solid #1a5fb4; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 2; }
        header { background: #2b211a; color: #fff; padding: 8px 16px; display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: center; }
        header .brand { font-weight: 700; font-size: 1.1rem; color: #fff; text-decoration: none; }
        header nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; }
        header nav a { color: #f3e6da; text-decoration: none; padding: 4px 2px; }
        header nav a[aria-current="page"] { color: #fff; border-bottom: 2px solid #f0b27a; }
        header .who { margin-left: auto; display: flex; gap: 8px; align-items: center; font-size: .9rem; }
        header .who button { background: transparent; color: #fff; border: 1px solid #f3e6da; }
        main { max-width: 1100px; margin: 0 auto; padding: 16px; }
        h1 { font-size: 1.6rem; margin: 8px 0 16px; } h2 { font-size: 1.2rem; margin-top: 28px; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; }
        .card { border: 1px solid var(--line); border-radius: 8px; padding: 12px; background: #fff; }
        .card .big { font-size: 1.6rem; font-weight: 700; } .card .small { color: var(--muted); font-size: .9rem; }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: .85rem; color: var(--muted); }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        form.inline { display: inline; }
        label { display: block; font-weight: 600; margin: 10px 0 4px; }
        input[type=text], input[type=email], input[type=password], input[type=number], input[type=search], input[type=datetime-local], select, textarea {
            font: inherit; padding: 6px 8px; border: 1px solid #8a8178; border-radius: 4px; width: 100%; max-width: 520px; background: #fff; color: var(--ink); }
        textarea { max-width: 100%; min-height: 8rem; font-family: ui-monospace, monospace; font-size: .9rem; }
        button, .button { font: inherit; background: var(--accent); color: var(--accent-ink); border: 0; border-radius: 4px; padding: 6px 14px; cursor: pointer; text-decoration: none; display: inline-block; }
        button.secondary, .button.secondary { background: #fff; color: var(--accent); border: 1px solid var(--accent); }
        button.danger { background: var(--bad); }
        .row { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; }
        .row > * { flex: 0 1 auto; }
        .hint { color: var(--muted); font-size: .9rem; }
        .notice { border-left: 4px solid var(--accent); background: #fbefe4; padding: 8px 12px; margin: 12px 0; white-space: pre-line; }
        .errors { border-left: 4px solid var(--bad); background: #fbeaea; padding: 8px 12px; margin: 12px 0; }
        .verdict { font-size: 1.1rem; border-left: 4px solid var(--good); padding: 8px 12px; background: #eef7f0; }
        .chart { width: 100%; height: auto; max-height: 260px; }
        .chart .bar { fill: var(--bar); } .chart .axis { stroke: #8a8178; stroke-width: 1; }
        .chart .tick, .chart .label { font-size: 12px; fill: var(--ink); }
        .chart .interval { stroke-width: 4; } .chart .good { stroke: var(--good); fill: var(--good); }
        .chart .bad { stroke: var(--bad); fill: var(--bad); } .chart .neutral { stroke: var(--neutral); fill: var(--neutral); }
        .pill { display: inline-block; border: 1px solid var(--line); border-radius: 99px; padding: 0 8px; font-size: .85rem; margin: 2px; background: #fff; }
        .status-running, .status-delivered { color: var(--good); } .status-paused, .status-dead, .status-suppressed { color: var(--bad); }
        .items { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
        .item { border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fff; font-size: .9rem; }
        .item img { width: 100%; aspect-ratio: 1; object-fit: cover; background: #eee; }
        .timeline { list-style: none; padding: 0; } .timeline li { border-left: 3px solid var(--line); padding: 2px 10px; }
        .builder fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 8px; }
        .builder .condition { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 4px 0; }
        .builder .condition select, .builder .condition input { width: auto; }
        progress { width: 100%; max-width: 520px; height: 1.2rem; }
        pre { background: #f4efe9; padding: 8px; overflow-x: auto; font-size: .85rem; }
        @media (max-width: 640px) { header .who { margin-left: 0; } h1 { font-size: 1.3rem; } main { padding: 10px; } }
        """#

    static let javascript = #"""
        "use strict";
        // Forms that ask before they act (erase a profile, revoke a key).
        document.addEventListener("submit", (event) => {
          const message = event.target.getAttribute("data-confirm");
          if (message && !window.confirm(message)) event.preventDefault();
        });

        const csrf = () => document.querySelector('meta[name="csrf"]')?.content || "";

        async function postJSON(path, body) {
          const response = await fetch(path, { method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() }, body: JSON.stringify(body) });
          const answer = await response.json().catch(() => ({}));
          if (!response.ok) throw Object.assign(new Error(answer.detail || response.statusText), { answer });
          return answer;
        }

        // The segment builder: conditions in groups, written as API.md's JSON rule into the form's
        // `rule` field, with the live size shown as you edit.
        function setupBuilder(root) {
          const output = document.getElementById(root.dataset.output);
          const size = document.getElementById(root.dataset.size);
          const groups = root.querySelector(".groups");
          const templates = { group: document.getElementById("tpl-group"), condition: document.getElementById("tpl-condition") };
          const addCondition = (group) => {
            const node = templates.condition.content.firstElementChild.cloneNode(true);
            group.querySelector(".conditions").appendChild(node);
            refresh(node);
            return node;
          };
          const addGroup = () => {
            const node = templates.group.content.firstElementChild.cloneNode(true);
            groups.appendChild(node);
            addCondition(node);
            return node;
          };
          const refresh = (condition) => {
            const kind = condition.querySelector('[name="kind"]').value;
            condition.querySelectorAll("[data-for]").forEach((field) => {
              field.hidden = !field.dataset.for.split(" ").includes(kind);
            });
          };
          const conditionRule = (condition) => {
            const value = (name) => condition.querySelector(`[name="${name}"]`).value.trim();
            const kind = value("kind");
            const within = value("within");
            switch (kind) {
              case "event": {
                const rule = { event: value("event"), count: { [value("count_op")]: Number(value("count") || 1) } };
                if (within) rule.within = within;
                return rule;
              }
              case "trait": {
                const op = value("trait_op");
                if (op === "exists") return { trait: value("trait"), op };
                const raw = value("value");
                const parsed = raw !== "" && !isNaN(Number(raw)) ? Number(raw) : raw;
                return { trait: value("trait"), op, value: parsed };
              }
              case "affinity": return { affinity: value("facet"), value: value("facet_value"), op: "gte", score: Number(value("affinity_min") || 0.2) };
              case "prediction": return { prediction: value("prediction"), op: value("prediction_op"), value: Number(value("prediction_value") || 0) };
              case "consent": return { consent: value("purpose"), is: true };
              case "segment": return { segment: value("segment") };
            }
          };
          const rule = () => {
            const ors = [...groups.querySelectorAll(".group")].map((group) => {
              const all = [...group.querySelectorAll(".condition")].map(conditionRule);
              const negate = group.querySelector('[name="negate"]').checked;
              const body = all.length === 1 ? all[0] : { all };
              return negate ? { not: body } : body;
            });
            return ors.length === 1 ? ors[0] : { any: ors };
          };
          let timer;
          const update = () => {
            const text = JSON.stringify(rule(), null, 2);
            output.value = text;
            clearTimeout(timer);
            timer = setTimeout(async () => {
              size.textContent = "counting…";
              try {
                const answer = await postJSON(root.dataset.preview, { rule: JSON.parse(text) });
                size.textContent = `${answer.size.toLocaleString()} people match`;
              } catch (error) {
                size.textContent = `Not a valid rule yet: ${error.answer?.errors?.map((e) => `${e.field} ${e.message}`).join("; ") || error.message}`;
              }
            }, 250);
          };
          // Only the builder's own controls rewrite the rule; typing in the JSON does not.
          const fromBuilder = (event) => event.target.closest(".groups") !== null;
          const edited = (event) => {
            if (!fromBuilder(event)) return;
            if (event.target.name === "kind") refresh(event.target.closest(".condition"));
            update();
          };
          root.addEventListener("input", edited);
          root.addEventListener("change", edited);
          root.addEventListener("click", (event) => {
            const action = event.target.dataset.action;
            if (!action) return;
            event.preventDefault();
            if (action === "add-condition") addCondition(event.target.closest(".group"));
            if (action === "add-group") addGroup();
            if (action === "remove") {
              const condition = event.target.closest(".condition");
              const group = condition.closest(".group");
              condition.remove();
              if (!group.querySelector(".condition") && groups.querySelectorAll(".group").length > 1) group.remove();
            }
            update();
          });
          output.readOnly = false;
          output.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(async () => {
              try {
                const answer = await postJSON(root.dataset.preview, { rule: JSON.parse(output.value) });
                size.textContent = `${answer.size.toLocaleString()} people match`;
              } catch (error) { size.textContent = `Not a valid rule yet: ${error.message}`; }
            }, 300);
          });
          if (output.dataset.initial) {
            // Editing a saved rule: the JSON is the truth until the builder is used.
            output.dispatchEvent(new Event("input"));
          } else {
            addGroup();
            update();
          }
        }

        // The catalog import: the CSV is sent in slices of rows, with a progress bar.
        function setupImport(form) {
          const file = form.querySelector('input[type="file"]');
          const bar = form.querySelector("progress");
          const status = form.querySelector(".import-status");
          form.addEventListener("submit", async (event) => {
            event.preventDefault();
            if (!file.files.length) { status.textContent = "Choose a CSV file first."; return; }
            const text = await file.files[0].text();
            const rows = splitRows(text);
            if (rows.length < 2) { status.textContent = "The file has no rows under its header."; return; }
            const header = rows[0];
            const body = rows.slice(1).filter((row) => row.trim() !== "");
            const slice = 500;
            let imported = 0, rejected = 0;
            const problems = [];
            bar.max = body.length; bar.value = 0; bar.hidden = false;
            for (let start = 0; start < body.length; start += slice) {
              const chunk = [header, ...body.slice(start, start + slice)].join("\n");
              try {
                const answer = await postJSON(form.action, { csv: chunk, first_line: start + 2 });
                imported += answer.imported; rejected += answer.rejected;
                problems.push(...answer.errors);
              } catch (error) {
                status.textContent = `Stopped at row ${start + 2}: ${error.message}. ${imported} items imported before it.`;
                return;
              }
              bar.value = Math.min(start + slice, body.length);
              status.textContent = `${bar.value.toLocaleString()} of ${body.length.toLocaleString()} rows…`;
            }
            status.textContent = `Done: ${imported.toLocaleString()} items imported, ${rejected.toLocaleString()} rejected.` +
              (problems.length ? " " + problems.slice(0, 10).map((p) => `line ${p.line}: ${p.field} ${p.message}`).join("; ") : "");
          });
        }

        // Splits CSV text into rows, keeping line breaks inside quoted cells.
        function splitRows(text) {
          const rows = [];
          let start = 0, quoted = false;
          for (let i = 0; i < text.length; i++) {
            const c = text[i];
            if (c === '"') quoted = !quoted;
            else if (c === "\n" && !quoted) { rows.push(text.slice(start, i).replace(/\r$/, "")); start = i + 1; }
          }
          if (start < text.length) rows.push(text.slice(start).replace(/\r$/, ""));
          return rows;
        }

        document.addEventListener("DOMContentLoaded", () => {
          document.querySelectorAll("[data-builder]").forEach(setupBuilder);
          document.querySelectorAll("form[data-import]").forEach(setupImport);
        });
        """#
}
