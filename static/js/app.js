// GOV.UK Frontend's and MoJ Frontend's components, started on every page.
import { initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js'
import { initAll as initMojAll } from '../vendor/moj-frontend/moj-frontend.min.js'

initAll()
initMojAll()
