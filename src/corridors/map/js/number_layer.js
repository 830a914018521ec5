(function (d, target) {
{% include "number.js" %}
    d.c.forEach(function (it) { number(it).addTo(target); });
})({{ this.data }}, {{ this._parent.get_name() }});
