function number(d) {
    return L.marker([d[0], d[1]], {keyboard: false, icon: L.divIcon({
        className: "corridors-num", iconSize: null, iconAnchor: [9, 9], html: {{ this.number_html }}.replace("{n}", d[2])})})
        .bindTooltip(d[3], {direction: "top", offset: [0, -8]});
}
