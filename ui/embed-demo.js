// The embed demo's only script: copies `?run=` (and `?api=`) from the page's URL onto the
// element. A real page would write the attributes in its HTML.
const params = new URLSearchParams(location.search);
const view = document.getElementById('embedded-run');
if (params.get('api')) view.setAttribute('api', params.get('api'));
// Without ?run= the element shows what the page put inside it (see embed.html).
if (params.get('run')) view.setAttribute('run-id', params.get('run'));
