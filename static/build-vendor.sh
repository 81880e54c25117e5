#!/usr/bin/env bash
# Rebuild static/vendor/ from the pinned npm packages (`make assets`). Needs Node and npm;
# the output is committed so that running the app needs neither.
#
# Versions: govuk-frontend 5.14.0 is the last 5.x, which crispy-forms-gds's templates
# target; @ministryofjustice/frontend 8.0.x is the last line built for govuk-frontend 5
# (9 and later need govuk-frontend 6).
set -euo pipefail

GOVUK_FRONTEND_VERSION="5.14.0"
MOJ_FRONTEND_VERSION="8.0.1"

here="$(cd "$(dirname "$0")" && pwd)"
vendor="$here/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
  "govuk-frontend@$GOVUK_FRONTEND_VERSION" "@ministryofjustice/frontend@$MOJ_FRONTEND_VERSION" >/dev/null

# The built CSS points at /assets/...; rewrite to paths relative to the CSS file so the
# files work under STATIC_URL and whitenoise's manifest storage can hash what they use.
# Source-map comments are dropped because the maps are not shipped (the manifest storage
# would fail on a missing map).
copy_built() {  # copy_built SRC_DIR NAME DEST
  local src="$1" name="$2" dest="$3"
  sed -e 's#url(/assets/#url(assets/#g' -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
    "$src/$name.min.css" >"$dest/$name.min.css"
  sed -e 's#//\# sourceMappingURL=.*$##' "$src/$name.min.js" >"$dest/$name.min.js"
}

rm -rf "$vendor/govuk-frontend" "$vendor/moj-frontend"
mkdir -p "$vendor/govuk-frontend" "$vendor/moj-frontend"

govuk="$work/node_modules/govuk-frontend/dist/govuk"
copy_built "$govuk" govuk-frontend "$vendor/govuk-frontend"
cp -R "$govuk/assets" "$vendor/govuk-frontend/assets"   # fonts, images, rebrand/

moj="$work/node_modules/@ministryofjustice/frontend/moj"
copy_built "$moj" moj-frontend "$vendor/moj-frontend"
cp -R "$moj/assets" "$vendor/moj-frontend/assets"       # images

# Both packages are MIT-licensed (Crown copyright); the packages ship no licence file.
printf 'govuk-frontend %s (MIT)\n@ministryofjustice/frontend %s (MIT)\n' \
  "$GOVUK_FRONTEND_VERSION" "$MOJ_FRONTEND_VERSION" >"$vendor/VERSIONS"
echo "static/vendor rebuilt:"
cat "$vendor/VERSIONS"
