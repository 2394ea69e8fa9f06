"""The scripts a capture runs in the page: each reads, none changes what the page shows."""

from __future__ import annotations

_PATH_OF = """const pathOf = (el, root) => {
  const path = [];
  let node = el;
  while (node && node !== root) {
    const parent = node.parentElement;
    if (!parent) return null;
    path.unshift(Array.prototype.indexOf.call(parent.children, node));
    node = parent;
  }
  return node === root ? path : null;
};"""

#: The path (child indices) from the root (the argument) to the element, or ``null``.
PATH = f"""(el, root) => {{ {_PATH_OF} return pathOf(el, root); }}"""

#: The paths of several elements (``evaluate_all``), ``null`` for one outside the root.
PATHS = f"""(elements, root) => {{ {_PATH_OF} return elements.map(el => pathOf(el, root)); }}"""

#: The path of the innermost element holding the element and every one of ``others``.
COMMON_PATH = f"""(el, [others, root]) => {{
  {_PATH_OF}
  let common = el;
  for (const other of others) {{
    while (common && !common.contains(other)) common = common.parentElement;
  }}
  return common ? pathOf(common, root) : null;
}}"""

#: The root's HTML as a copy: live field values written in (but never a password's or a
#: hidden field's: an anti-forgery token lives there), the marks added, the ``drop`` paths
#: removed (and the stylesheets unless ``styles``: a document's CSS is kept apart), and no
#: script, handler or ``javascript:`` address left.
SERIALIZE = """(root, {marks, drop, styles}) => {
  const clone = root.cloneNode(true);
  const live = root.querySelectorAll('input, textarea, select');
  const copies = clone.querySelectorAll('input, textarea, select');
  live.forEach((el, i) => {
    const copy = copies[i];
    if (!copy) return;
    if (el.tagName === 'TEXTAREA') { copy.textContent = el.value; return; }
    if (el.tagName === 'SELECT') {
      Array.from(copy.options).forEach((option, j) => {
        if (el.options[j] && el.options[j].selected) option.setAttribute('selected', '');
        else option.removeAttribute('selected');
      });
      return;
    }
    const type = (el.getAttribute('type') || 'text').toLowerCase();
    if (type === 'checkbox' || type === 'radio') {
      if (el.checked) copy.setAttribute('checked', ''); else copy.removeAttribute('checked');
    } else if (type === 'password' || type === 'hidden') {
      copy.setAttribute('value', '');
    } else {
      copy.setAttribute('value', el.value);
    }
  });
  const find = path => path.reduce((node, i) => node && node.children[i], clone);
  for (const [path, name, value] of marks) {
    const node = find(path);
    if (node) node.setAttribute(name, value);
  }
  drop.map(find).filter(Boolean).forEach(node => node.remove());
  if (!styles) clone.querySelectorAll('style, link[rel~="stylesheet" i]').forEach(n => n.remove());
  clone.querySelectorAll('script, noscript, iframe, frame, object, embed, base, meta[http-equiv]')
    .forEach(node => node.remove());
  for (const el of [clone, ...clone.querySelectorAll('*')]) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || /^\\s*(javascript|vbscript):/i.test(attr.value)) {
        el.removeAttribute(attr.name);
      }
    }
  }
  return clone.outerHTML;
}"""

#: Every stylesheet of the document as CSS text, in order; one the page may not read (from
#: another origin) as a comment saying so.
STYLES = """() => Array.from(document.styleSheets, sheet => {
  try {
    return Array.from(sheet.cssRules, rule => rule.cssText).join('\\n');
  } catch (e) {
    const where = sheet.href ? new URL(sheet.href).pathname : 'another origin';
    return '/* the stylesheet ' + where + ' could not be read */';
  }
})"""

#: Whether a hover menu has come to rest on screen (DNN measures it off-screen first).
SETTLED = """el => { const box = el.getBoundingClientRect();
  return box.left >= 0 && box.top >= 0 && getComputedStyle(el).opacity === '1'; }"""

#: What the document loaded: ``[url, how, milliseconds]`` each.
RESOURCES = """() => performance.getEntriesByType('resource')
  .map(entry => [entry.name, entry.initiatorType, entry.duration])"""

#: The document's navigation timings, in milliseconds from the start of its load.
NAVIGATION = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  if (!nav) return null;
  return {response_end: nav.responseEnd, dom_content_loaded: nav.domContentLoadedEventEnd,
          load: nav.loadEventEnd, duration: nav.duration};
}"""

#: What the site page says of its versions: the Persona Bar's settings, the generator meta.
VERSIONS = """() => {
  const settings = window.personaBarSettings || {};
  const meta = document.querySelector('meta[name="generator" i]');
  return {
    persona_bar_build: settings.buildNumber ? String(settings.buildNumber) : '',
    sku: settings.sku ? String(settings.sku) : '',
    culture: settings.culture ? String(settings.culture) : '',
    generator: meta ? meta.content : '',
  };
}"""
