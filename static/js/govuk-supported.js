// As in the GOV.UK template: mark the body before it renders, so components' JavaScript
// styles apply at once, and only where ES modules run. Loaded as a file (no inline script:
// the Content Security Policy allows scripts from our own origin only).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
